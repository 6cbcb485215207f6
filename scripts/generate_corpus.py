#!/usr/bin/env python3
"""Generate a synthetic corpus of seed documents, to test and time the build at scale.

    python scripts/generate_corpus.py --n 100000 --out /tmp/corpus [--seed 42]

Writes N files seed_0000001.txt ... in the two seed formats the build reads, with the
variety of seeds/ and tests/fixtures/: PubMed abstract pages copied as text, newer
layout (~35%) and older layout (~20%), and aggregator JSON records with their
trailer lines (~45%). About 5% of the papers come in both formats (one PubMed page
and one aggregator record of the same paper), about 1% of the files are broken
(empty, truncated JSON, binary, text of no known format), and references cite other
papers of the corpus, by DOI or by journal + volume + first page, so that merging
and reference linking have real work to do.

How:
- deterministic: each file is a function of (seed, its index) only, so the same
  arguments give byte-identical files whatever the number of worker processes;
- streaming: each file is written as it is made; a paper cited by another is
  derived again from its index (a small cache keeps the often-cited ones);
- unambiguous: DOIs, PMIDs and (journal, year, first page) are unique by
  construction (affine permutations modulo a prime), and invented references
  never land on a corpus paper's first page, so every reference link can be checked.

Everything is synthetic: names, titles, abstracts, identifiers. DOIs use the
10.5555 test prefix. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
import time
from functools import lru_cache
from multiprocessing import Pool

TWIN_PAIR_RATE = 0.095  # files (2k, 2k+1) that hold one paper twice: ~5% of papers
BROKEN_RATE = 0.011  # of the other files: ~1% of all files
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
M64 = (1 << 64) - 1
EXTERNAL_Q = 10_000_000  # DOI numbers of invented references start here, corpus ones below

# --- vocabulary ------------------------------------------------------------------

# title, NLM abbreviation, year of `volume`, volume, volumes a year, issues a year,
# article-number format (None: page numbers), DOI suffix format, publisher, weight
JOURNALS = [
    ("Movement Disorders", "Mov Disord", 1986, 1, 1, 12, None, "mds.{q}", "Wiley", 12),
    ("Brain", "Brain", 1985, 108, 1, 12, None, "brain/aw{q}", "Oxford University Press", 5),
    ("Neurology", "Neurology", 1985, 35, 1, 24, None, "wnl.{q:013d}", "Wolters Kluwer", 4),
    ("The Cerebellum", "Cerebellum", 2002, 1, 1, 6, None, "s12311-0{yy}-{q:04d}-{c}", "Springer", 8),
    ("Cerebellum & Ataxias", "Cerebellum Ataxias", 2014, 1, 1, 1, "{n}", "s40673-0{yy}-{q:04d}-{c}", "BioMed Central", 2),
    ("Parkinsonism & Related Disorders", "Parkinsonism Relat Disord", 1995, 1, 1, 12, None, "j.parkreldis.{year}.{mm}.{q}", "Elsevier", 5),
    ("Journal of Neurology, Neurosurgery, and Psychiatry", "J Neurol Neurosurg Psychiatry", 1985, 48, 1, 12, None, "jnnp-{year}-{q:06d}", "BMJ", 3),
    ("Annals of Neurology", "Ann Neurol", 1985, 17, 2, 12, None, "ana.{q}", "Wiley", 2),
    ("The Journal of Neuroscience", "J Neurosci", 1985, 5, 1, 48, None, "jneurosci.{q:04d}-{yy}.{year}", "Society for Neuroscience", 4),
    ("Neurobiology of Disease", "Neurobiol Dis", 1994, 1, 2, 12, None, "j.nbd.{year}.{mm}.{q}", "Elsevier", 4),
    ("Experimental Neurology", "Exp Neurol", 1985, 87, 4, 12, None, "j.expneurol.{year}.{mm}.{q}", "Elsevier", 2),
    ("European Journal of Neurology", "Eur J Neurol", 1994, 1, 1, 12, None, "ene.{q}", "Wiley", 3),
    ("Journal of Neurology", "J Neurol", 1985, 232, 1, 12, None, "s00415-0{yy}-{q:05d}-{c}", "Springer", 3),
    ("Clinical Neurophysiology", "Clin Neurophysiol", 1999, 110, 1, 12, None, "j.clinph.{year}.{mm}.{q}", "Elsevier", 3),
    ("Brain Stimulation", "Brain Stimul", 2008, 1, 1, 6, None, "j.brs.{year}.{mm}.{q}", "Elsevier", 2),
    ("NeuroImage", "Neuroimage", 1992, 1, 4, 12, None, "j.neuroimage.{year}.{q}", "Elsevier", 2),
    ("Human Brain Mapping", "Hum Brain Mapp", 1993, 1, 1, 18, None, "hbm.{q}", "Wiley", 2),
    ("Frontiers in Neurology", "Front Neurol", 2010, 1, 1, 1, "{n}", "fneur.{year}.{q:05d}", "Frontiers Media SA", 4),
    ("PLoS ONE", "PLoS One", 2006, 1, 1, 12, "e0{n:06d}", "journal.pone.{q:07d}", "Public Library of Science", 3),
    ("Scientific Reports", "Sci Rep", 2011, 1, 1, 1, "{n}", "s41598-0{yy}-{q:05d}-{c}", "Nature Publishing Group", 2),
    ("Nature Neuroscience", "Nat Neurosci", 1998, 1, 1, 12, None, "nn.{q}", "Nature Publishing Group", 1),
    ("Nature Reviews Neuroscience", "Nat Rev Neurosci", 2000, 1, 1, 12, None, "nrn{q}", "Nature Publishing Group", 1),
    ("Neuron", "Neuron", 1988, 1, 2, 24, None, "j.neuron.{year}.{mm}.{q}", "Cell Press", 1),
    ("eLife", "Elife", 2012, 1, 1, 1, "e{n:05d}", "elife.{q:05d}", "eLife Sciences Publications", 2),
    ("Journal of Neurophysiology", "J Neurophysiol", 1985, 53, 2, 12, None, "jn.{q:05d}.{year}", "American Physiological Society", 2),
    ("Cerebral Cortex", "Cereb Cortex", 1991, 1, 1, 12, None, "cercor/bh{q}", "Oxford University Press", 1),
    ("Tremor and Other Hyperkinetic Movements", "Tremor Other Hyperkinet Mov (N Y)", 2011, 1, 1, 1, "{n}", "d8tohm{q}", "Ubiquity Press", 2),
    ("Movement Disorders Clinical Practice", "Mov Disord Clin Pract", 2014, 1, 1, 8, None, "mdc3.{q}", "Wiley", 3),
    ("Journal of Neural Transmission", "J Neural Transm (Vienna)", 1996, 103, 1, 12, None, "s00702-0{yy}-{q:05d}-{c}", "Springer", 2),
    ("Neuroscience", "Neuroscience", 1985, 14, 4, 12, None, "j.neuroscience.{year}.{mm}.{q}", "Elsevier", 1),
    ("Proceedings of the National Academy of Sciences of the United States of America", "Proc Natl Acad Sci U S A", 1985, 82, 1, 24, None, "pnas.{q}", "National Academy of Sciences", 1),
    ("Current Opinion in Neurobiology", "Curr Opin Neurobiol", 1991, 1, 1, 6, None, "j.conb.{year}.{mm}.{q}", "Elsevier", 1),
    ("Trends in Neurosciences", "Trends Neurosci", 1985, 8, 1, 12, None, "j.tins.{year}.{mm}.{q}", "Elsevier", 1),
    ("The Lancet Neurology", "Lancet Neurol", 2002, 1, 1, 12, None, "s1474-4422({yy}){q:05d}-{c}", "Elsevier", 1),
    ("JAMA Neurology", "JAMA Neurol", 2013, 70, 1, 12, None, "jamaneurol.{year}.{q}", "American Medical Association", 1),
    ("Brain Communications", "Brain Commun", 2019, 1, 1, 6, "fca{yl}{n:03d}", "braincomms/fca{yl}{q:03d}", "Oxford University Press", 1),
    ("Neurotherapeutics", "Neurotherapeutics", 2004, 1, 1, 4, None, "s13311-0{yy}-{q:05d}-{c}", "Springer", 1),
    ("Toxins", "Toxins (Basel)", 2009, 1, 1, 12, "{n}", "toxins{q:08d}", "MDPI", 1),
    ("Disease Models & Mechanisms", "Dis Model Mech", 2008, 1, 1, 12, "dmm0{n:05d}", "dmm.0{q:05d}", "The Company of Biologists", 1),
    ("Current Neurology and Neuroscience Reports", "Curr Neurol Neurosci Rep", 2001, 1, 1, 12, None, "s11910-0{yy}-{q:04d}-{c}", "Springer", 1),
    ("The Journal of Physiology", "J Physiol", 1985, 358, 12, 24, None, "jp{q}", "Wiley", 1),
    ("European Journal of Neuroscience", "Eur J Neurosci", 1989, 1, 1, 24, None, "ejn.{q}", "Wiley", 1),
    ("Journal of the Neurological Sciences", "J Neurol Sci", 1985, 67, 8, 24, None, "j.jns.{year}.{mm}.{q}", "Elsevier", 2),
    ("Neuroscience and Biobehavioral Reviews", "Neurosci Biobehav Rev", 1985, 9, 1, 12, None, "j.neubiorev.{year}.{mm}.{q}", "Elsevier", 1),
]
# Only ever cited, never in the corpus, so references to them never link:
# abbreviation, first year, last year, volumes a year (roughly).
OTHER_JOURNALS = [
    ("Nat Rev Neurol", 2005, 2025, 1), ("N Engl J Med", 1828, 2025, 2), ("Lancet", 1823, 2025, 2),
    ("Exp Brain Res", 1966, 2025, 5), ("Neurosci Lett", 1975, 2025, 20), ("Acta Neurol Scand", 1961, 2025, 2),
    ("Arch Neurol", 1960, 2012, 2), ("Adv Neurol", 1973, 2005, 3), ("J Comp Neurol", 1891, 2025, 4),
    ("Nature", 1869, 2025, 4), ("Science", 1880, 2025, 3), ("Cell Rep", 2012, 2025, 4),
    ("Hum Mol Genet", 1992, 2025, 1), ("Am J Hum Genet", 1949, 2025, 2), ("J Neurosurg", 1944, 2025, 2),
    ("Stereotact Funct Neurosurg", 1989, 2025, 1), ("Neurosurgery", 1977, 2025, 2), ("Brain Res", 1966, 2025, 40),
]
# Long catalogue titles the aggregator sometimes gives instead of the short one.
NLM_TITLES = {"Mov Disord": "Movement disorders : official journal of the Movement Disorder Society",
              "J Neurosci": "The Journal of neuroscience : the official journal of the Society for Neuroscience",
              "Cerebellum": "Cerebellum (London, England)"}
OPEN_ACCESS = {"Cerebellum Ataxias", "Front Neurol", "PLoS One", "Sci Rep", "Elife", "Tremor Other Hyperkinet Mov (N Y)",
               "Brain Commun", "Toxins (Basel)", "Dis Model Mech"}

GIVEN = ("Ailish,Mark,Anna,Jane,Mei-Ling,Tomás,Rahul,Christopher,Priya,Owen,Johanna,Diego,Sarah,Lucía,Kenji,Hiro,"
         "Mika,Oliver,Emily,Karin,Pedro,Yuki,Olumide,Erik,Marta,Sara,Hana,Li,Wei,Jean-Marc,Zoë,Søren,Björn,Łukasz,"
         "Małgorzata,Çağla,Hüseyin,Amélie,François,Chloé,Inés,José,María José,Ana-Maria,Giulia,Matteo,Alessandro,"
         "Francesca,Lars,Ingrid,Astrid,Niamh,Siobhán,Aoife,Dmitri,Olga,Ngozi,Chinedu,Amara,Kwame,Fatima,Omar,Leila,"
         "Yusuf,Ayşe,Mehmet,Hamid,Sanjay,Ananya,Vikram,Lakshmi,Hyun-Woo,Ji-Yeon,Min-Jun,Takashi,Akiko,Haruto,Xin,"
         "Jun,Yan,Thanh,Linh,Rafael,Camila,Joaquín,Valentina,Gabriel,Jorge,Mateus,Beatriz,Ellen,Vladimir,Nicholas,"
         "Alberto,Kailash,Susan,Hyder,David,Joel,Marie,Peter,Andrea,Laura,Thomas,Katja,Stefan,Ilse,Maarten").split(",")
FAMILY = ("Malone,Wood,Hallett,Bologna,Berardelli,Zhou,Roe,Ferreira-Lima,Lindqvist,Deshpande,O'Neill,Natarajan,"
          "Walsh,Kessler,Arroyo-Blanco,Fenwick,Romero,Ito,Tanaka,Sato,Grant,Shaw,Lindholm,Alves Dias,Nakamura,Bello,"
          "Halvorsen,Quintero-Ruiz,Weber,Müller,Schäfer,Jørgensen,Åberg,Nowak,Kowalczyk,Wiśniewska,Yılmaz,Öztürk,"
          "García-López,Fernández,Pérez,Martínez,Rossi,Bianchi,Esposito,Conti,Dupont,Lefèvre,Moreau,Girard,Nguyen,"
          "Tran,Pham,Kim,Park,Lee,Chen,Wang,Zhang,Liu,Yamamoto,Suzuki,Watanabe,Okafor,Adeyemi,Mensah,Diallo,Haddad,"
          "Khalil,Al-Hassan,Farouk,Sharma,Gupta,Iyer,Reddy,Singh,O'Brien,Ó Briain,McAllister,MacDonald,Fitzgerald,"
          "Murphy,van der Berg,de Vries,van Dijk,ter Haar,von Essen,de la Cruz,dos Santos,da Silva,di Biase,Le Goff,"
          "D'Amico,Petrov,Ivanova,Novák,Horváth,Kovács,Papadopoulos,Jinnah,Neychev,Hess,Albanese,Bhatia,Bressman,"
          "Shakkottai,Fremont,Calderon,Khodakhah,Strick,Bostan,Timmann,Gerwig,Kolb,Sadnicka,Edwards,Rothwell,"
          "Quartarone,Tinazzi,Fiorio,Prudente,Raike,LeDoux,Pappas,Vidailhet,Roze,Worbe,Defazio,Conte,Kaji,Jankovic,"
          "Fahn,Marsden,Obeso,Krauss,Kühn,Wichmann,DeLong,Carbon,Eidelberg,Niethammer,Argyelan,Standaert").split(",")
RARE_FAMILY = ["d'Alessandro", "dell'Acqua", "Fisher Jr", "Ben-Ari", "Saint-Cyr"]  # 0.3% of authors

REGIONS = [  # (as written in text, MeSH descriptor)
    ("cerebellum", "Cerebellum"), ("cerebellar cortex", "Cerebellar Cortex"), ("Purkinje cells", "Purkinje Cells"),
    ("deep cerebellar nuclei", "Cerebellar Nuclei"), ("dentate nucleus", "Cerebellar Nuclei"),
    ("interposed nucleus", "Cerebellar Nuclei"), ("fastigial nucleus", "Cerebellar Nuclei"),
    ("inferior olive", "Olivary Nucleus"), ("cerebellothalamic tract", "Neural Pathways"),
    ("dentato-rubro-thalamic tract", "Neural Pathways"), ("basal ganglia", "Basal Ganglia"), ("striatum", "Corpus Striatum"),
    ("putamen", "Putamen"), ("globus pallidus internus", "Globus Pallidus"), ("subthalamic nucleus", "Subthalamic Nucleus"),
    ("thalamus", "Thalamus"), ("ventral intermediate nucleus of the thalamus", "Ventral Thalamic Nuclei"),
    ("primary motor cortex", "Motor Cortex"), ("supplementary motor area", "Motor Cortex"),
    ("sensorimotor cortex", "Sensorimotor Cortex"), ("brainstem", "Brain Stem"), ("red nucleus", "Red Nucleus"),
]
DYSTONIAS = [
    ("cervical dystonia", "Torticollis"), ("focal hand dystonia", "Dystonic Disorders"), ("writer's cramp", "Dystonic Disorders"),
    ("musician's dystonia", "Dystonic Disorders"), ("blepharospasm", "Blepharospasm"), ("laryngeal dystonia", "Dysphonia"),
    ("oromandibular dystonia", "Meige Syndrome"), ("generalized dystonia", "Dystonia Musculorum Deformans"),
    ("DYT-TOR1A dystonia", "Dystonia Musculorum Deformans"), ("DYT-THAP1 dystonia", "Dystonia Musculorum Deformans"),
    ("myoclonus-dystonia", "Dystonic Disorders"), ("rapid-onset dystonia-parkinsonism", "Dystonic Disorders"),
    ("dopa-responsive dystonia", "Dystonic Disorders"), ("isolated focal dystonia", "Dystonia"),
    ("acquired dystonia", "Dystonia"), ("paroxysmal dystonia", "Dystonia"), ("dystonic tremor", "Tremor"),
    ("spinocerebellar ataxia type 3", "Machado-Joseph Disease"), ("essential tremor", "Essential Tremor"),
]
DYSTONIAS += [DYSTONIAS[0]] * 5 + [DYSTONIAS[1], DYSTONIAS[2], DYSTONIAS[4], DYSTONIAS[4], DYSTONIAS[7], DYSTONIAS[8]]
METHODS = [
    ("resting-state functional MRI", "Magnetic Resonance Imaging"), ("diffusion tensor imaging", "Diffusion Tensor Imaging"),
    ("voxel-based morphometry", "Magnetic Resonance Imaging"), ("FDG-PET", "Positron-Emission Tomography"),
    ("transcranial magnetic stimulation", "Transcranial Magnetic Stimulation"),
    ("cerebellar brain inhibition", "Transcranial Magnetic Stimulation"),
    ("continuous theta-burst stimulation", "Transcranial Magnetic Stimulation"),
    ("transcranial direct current stimulation", "Transcranial Direct Current Stimulation"),
    ("eyeblink classical conditioning", "Conditioning, Eyelid"), ("surface electromyography", "Electromyography"),
    ("single-unit recordings", "Electrophysiological Phenomena"), ("optogenetic silencing", "Optogenetics"),
    ("tractography", "Diffusion Tensor Imaging"), ("high-density EEG", "Electroencephalography"),
    ("kinematic analysis", "Biomechanical Phenomena"), ("visuomotor adaptation", "Adaptation, Physiological"),
]
MODELS = ["Tor1a knock-in mice", "tottering mice", "a rat model of paroxysmal dystonia", "Thap1 conditional knockout mice",
          "Atp1a3 mutant mice", "Purkinje cell-specific knockout mice", "wild-type rats", "ducky mice"]
TREATMENTS = ["botulinum toxin injections", "deep brain stimulation of the globus pallidus internus",
              "cerebellar deep brain stimulation", "trihexyphenidyl", "sensorimotor retraining",
              "repetitive TMS over the cerebellum", "physiotherapy"]
MEASURES = ["TWSTRS severity score", "Burke-Fahn-Marsden Dystonia Rating Scale score", "conditioned response rate",
            "cerebellar grey matter volume", "fractional anisotropy", "functional connectivity", "cortical excitability",
            "Purkinje cell firing rate", "complex spike frequency", "saccade gain", "temporal discrimination threshold"]
CONCEPTS = ["motor learning", "sensorimotor integration", "motor timing", "surround inhibition", "motor adaptation",
            "error-based learning", "synaptic plasticity", "network dysfunction", "associative learning"]
DESIGNS = [  # (title phrase, publication types)
    ("a randomized controlled trial", ["Randomized Controlled Trial"]), ("a case-control study", []),
    ("a systematic review", ["Systematic Review", "Review"]), ("a meta-analysis", ["Meta-Analysis", "Review"]),
    ("a cross-sectional study", []), ("a longitudinal cohort study", ["Observational Study"]),
    ("a pilot study", ["Clinical Trial"]), ("a case report", ["Case Reports"]), ("a multicentre study", ["Multicenter Study"]),
    ("a critical review", ["Review"]), ("a consensus statement", ["Consensus Statement"]),
]
TITLES = [  # with {model}: studies in animals; the others: in patients
    "Dysfunction of the {region} and {region2} in {dystonia}",
    "{Method} of the {region} in {dystonia}",
    "{Concept} and the {region} in {dystonia}",
    "{Treatment} modulates {region} activity in {dystonia}",
    "The role of the {region} in {dystonia} and {dystonia2}",
    "Abnormal {measure} in {dystonia} assessed with {method}",
    "{Region} and {region2} interactions in {dystonia}",
    "Does the {region} contribute to {dystonia}? Evidence from {method} in {n} patients",
    "{Method} reveals altered {concept} in {dystonia}",
    "Cerebellar contributions to {dystonia} and {dystonia2}",
    "Effect of {treatment} on {measure} in {dystonia}",
    "{Concept} deficits in {dystonia} predict response to {treatment}",
    "Cerebellar {concept} and {measure} in {model}",
    "{Region} firing patterns in {model} with dystonic postures",
    "{Region} {concept} deficits in {model}",
    "Cerebellar output from the {region} drives dystonic postures in {model}",
    "Abnormal {measure} and {concept} in {model}",
    "Silencing the {region} rescues motor deficits in {model}",
    "{Method} of the {region} in {model}",
]
# Endings that make titles (nearly) unique, for studies in patients and in animals.
HUMAN_ENDINGS = [": {design}", " in {n} patients", ": a {k}-year follow-up in {n} patients", ": a study with {method}",
                 " and its relation to {concept}", ": {design} with {method}", ": {design} of {n} cases"]
ANIMAL_ENDINGS = [": evidence from {method}", " at {k} weeks of age", " and its rescue by {treatment}",
                  ": a role for the {region2}", " during {concept}", ": {n} animals studied with {method}"]
# Each title template with its fields, for invented references.
TITLE_FIELDS = [(t, sorted({f for _, f, _, _ in string.Formatter().parse(t) if f})) for t in TITLES]
SENTENCES = {
    "Background": [
        "Dystonia is a movement disorder characterized by sustained or intermittent muscle contractions causing abnormal movements and postures.",
        "Converging evidence implicates the {region} in the pathophysiology of {dystonia}.",
        "Although {dystonia} has traditionally been attributed to the {region2}, recent work points to the cerebellum.",
        "The contribution of the {region} to {concept} in {dystonia} remains unclear.",
        "{Concept} depends on intact cerebellar circuits, including the {region} and its connections with the {region2}.",
        "Animal models such as {model} show that abnormal cerebellar output can drive dystonic movements.",
    ],
    "Objective": [
        "We aimed to determine whether {method} detects changes in the {region} of patients with {dystonia}.",
        "To test whether {concept} is impaired in {dystonia} and whether it relates to clinical severity.",
        "This study examined the effect of {treatment} on {measure} in {dystonia}.",
        "We investigated the interaction between the {region} and the {region2} in {model}.",
    ],
    "Methods": [
        "We enrolled {n} patients with {dystonia} and {m} age-matched healthy controls.",
        "All participants underwent {method} and clinical assessment with the {measure}.",
        "{Method} data were analysed with a general linear model, correcting for age and sex.",
        "In {model}, we combined {method} with behavioural testing of motor coordination.",
        "Patients received {treatment} in a double-blind, sham-controlled crossover design.",
        "Connectivity between the {region} and the {region2} was estimated with {method}.",
        "Outcomes were assessed at baseline, after {k} weeks and at {k2} weeks follow-up.",
    ],
    "Results": [
        "Compared with controls, patients showed {effect} {measure} (P = 0.0{d}).",
        "The {measure} correlated with disease duration (r = 0.{d}{d2}, P < 0.01).",
        "{Effect} activity in the {region} was found in {pct}% of patients.",
        "Mice showed {effect} {measure}, which normalised after silencing of the {region}.",
        "Optogenetic inhibition of the {region} abolished dystonic postures in {pct}% of {model}.",
        "{Effect} {measure} was observed in {model} compared with wild-type littermates.",
        "{Treatment} improved the {measure} by {pct}% (95% CI, {d}.{d2}-{pct}.{d}).",
        "No serious adverse events occurred.",
        "Functional connectivity between the {region} and the {region2} was {effect} in patients with {dystonia}.",
    ],
    "Conclusions": [
        "These findings support a role for the {region} in the pathophysiology of {dystonia}.",
        "{Concept} is impaired in {dystonia}, consistent with cerebellar dysfunction.",
        "Modulation of cerebellar output may be a therapeutic target in {dystonia}.",
        "Dystonia may arise from abnormal interactions within a network including the cerebellum, {region2} and cortex.",
        "Further studies combining {method} with clinical measures are needed.",
    ],
}
ANIMAL_WORDS = ("{model}", "Mice", "mice", "Animal")
HUMAN_WORDS = ("patient", "Patient", "controls", "participants", "adverse")
SENTENCE_POOLS = {  # (section, animal study?) -> the sentences that fit
    (name, animal): [t for t in texts if not any(w in t for w in (HUMAN_WORDS if animal else ANIMAL_WORDS))]
    for name, texts in SENTENCES.items() for animal in (False, True)}
EFFECTS = ["increased", "reduced", "abnormal", "irregular", "preserved", "decreased", "enhanced"]
LABELS = {"Background": ["Background", "Introduction"], "Objective": ["Objective", "Objectives", "Aims"],
          "Methods": ["Methods", "Patients and methods"], "Results": ["Results"],
          "Conclusions": ["Conclusions", "Conclusion", "Interpretation"]}
AFFILIATIONS = [
    "Department of Neurology, University of Lübeck, Lübeck, Germany.",
    "Human Motor Control Section, NINDS, National Institutes of Health, Bethesda, MD, USA.",
    "Department of Clinical and Movement Neurosciences, UCL Queen Square Institute of Neurology, London, UK.",
    "Department of Human Neurosciences, Sapienza University of Rome, Rome, Italy.",
    "IRCCS Neuromed, Pozzilli, IS, Italy.",
    "Department of Neurology, Emory University School of Medicine, Atlanta, GA, USA.",
    "Department of Neuroscience, Albert Einstein College of Medicine, Bronx, NY, USA.",
    "Sorbonne Université, Institut du Cerveau - Paris Brain Institute - ICM, Inserm, CNRS, Paris, France.",
    "Department of Clinical Neuroscience, Karolinska Institutet, Stockholm, Sweden.",
    "Movement Disorders Unit, Hospital de Santa Maria, Lisbon, Portugal.",
    "Department of Neurology, Graduate School of Medicine, Kyoto University, Kyoto, Japan.",
    "Department of Neurosurgery, Karolinska University Hospital, Stockholm, Sweden.",
    "Department of Pharmacology, University of Oxford, Oxford, UK.",
    "MRC Brain Network Dynamics Unit, University of Oxford, Oxford, UK.",
    "Department of Neurology, University Medical Center Groningen, Groningen, The Netherlands.",
    "Department of Neurology, Medical University of Innsbruck, Innsbruck, Austria.",
    "Center for Neurosciences, The Feinstein Institutes for Medical Research, Manhasset, NY, USA.",
    "Department of Neurology, University of Michigan, Ann Arbor, MI, USA.",
    "Department of Neurology, Seoul National University Hospital, Seoul, Republic of Korea.",
    "Department of Neurology, Huashan Hospital, Fudan University, Shanghai, China.",
    "Department of Neurology, All India Institute of Medical Sciences, New Delhi, India.",
    "Department of Neurology, Hospital Universitario de Cruces, Barakaldo, Spain.",
    "Instituto de Neurociencias, CSIC-UMH, San Juan de Alicante, Spain.",
    "Department of Neurology, Hacettepe University, Ankara, Turkey.",
    "Department of Neurology, Obafemi Awolowo University Teaching Hospital, Ile-Ife, Nigeria.",
    "2nd Department of Neurology, Institute of Psychiatry and Neurology, Warsaw, Poland.",
    "Department of Neurology and Center of Clinical Neuroscience, First Faculty of Medicine, Charles University, Prague, Czech Republic.",
    "Department of Neuroscience, Erasmus MC, Rotterdam, The Netherlands.",
    "Department of Neurology, Essen University Hospital, University of Duisburg-Essen, Essen, Germany.",
    "Department of Psychology, University of California, Berkeley, CA, USA.",
]
WORD_POOLS = {  # the words each field of a title or sentence takes
    "region": [r[0] for r in REGIONS], "region2": [r[0] for r in REGIONS], "dystonia": [d[0] for d in DYSTONIAS],
    "dystonia2": [d[0] for d in DYSTONIAS], "method": [m[0] for m in METHODS], "model": MODELS,
    "treatment": TREATMENTS, "concept": CONCEPTS, "measure": MEASURES, "design": [d[0] for d in DESIGNS],
    "n": [str(n) for n in range(8, 241)], "k": [str(k) for k in range(2, 16)]}
MESH_QUALIFIERS = ["physiopathology", "diagnostic imaging", "genetics", "therapy", "physiology", "pathology", "metabolism"]
GRANT_AGENCIES = [("NS", "NINDS NIH HHS", "United States"), ("MH", "NIMH NIH HHS", "United States"),
                  ("MRC_", "Medical Research Council", "United Kingdom"), ("WT_", "Wellcome Trust", "United Kingdom"),
                  ("ImNIH", "Intramural NIH HHS", "United States"), ("EY", "NEI NIH HHS", "United States")]
SIMILAR_EXTRA = ["Free PMC article.", "Review.", "Free PMC article.Review.", "Clinical Trial.", "", "", ""]


# --- deterministic numbers ---------------------------------------------------------

class Rng(random.Random):
    """random.Random with choice and randint from one float: three times faster than
    the exact versions, and the tiny bias is of no concern here."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def randrange(self, a, b=None):
        return int(self.random() * a) if b is None else a + int(self.random() * (b - a))


def _mix(*parts: int) -> int:
    """A 64-bit hash of integers (splitmix64): cheap, and the same on every run."""
    h = 0
    for part in parts:
        z = (h + part + 0x9E3779B97F4A7C15) & M64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        h = z ^ (z >> 31)
    return h


def _unit(*parts: int) -> float:
    return _mix(*parts) / 2.0**64


def _is_prime(x: int) -> bool:
    return x > 1 and all(x % d for d in range(2, int(x**0.5) + 1))


def _prime_from(x: int, step: int) -> int:
    while not _is_prime(x):
        x += step
    return x


def _pages(first: int, last: int, abbreviate: bool) -> str:
    """666-668 -> '666-8' when abbreviated, as PubMed prints older records."""
    if last <= first:
        return str(first)
    a, b = str(first), str(last)
    if abbreviate and len(a) == len(b):
        k = next(i for i in range(len(a)) if a[i] != b[i])
        b = b[k:]
    return f"{a}-{b}"


@lru_cache(maxsize=None)
def _initials(given: str) -> str:
    return "".join(w[0] for w in given.replace("-", " ").split())


# --- the corpus ----------------------------------------------------------------------

class Corpus:
    """Everything about file L and paper p, derived from (seed, L) and (seed, p) only.

    Files come in pairs (2k, 2k+1): a twin pair holds one paper twice, in two formats;
    otherwise each file is a paper of its own, or broken. Paper p is the paper of file p."""

    def __init__(self, n: int, seed: int = 42):
        if not 0 < n < 5_000_000:
            raise ValueError("n must be between 1 and 4,999,999")
        self.n, self.seed = n, seed
        self.width = max(7, len(str(n)))
        self.prime = _prime_from(max(n, 3), 1)
        self.pmid_prime = _prime_from(89_999_999, -2)
        self.perms = [(1 + _mix(seed, 100 + i) % (self.prime - 1), _mix(seed, 200 + i) % self.prime) for i in range(2)]
        self.pmid_perm = (1 + _mix(seed, 300) % (self.pmid_prime - 1), _mix(seed, 301) % self.pmid_prime)
        # Weighted slots (journal, then year within the journal) that keep places unique.
        self.journal_slots = [(j, k, J[9]) for j, J in enumerate(JOURNALS) for k in range(J[9])]
        self.year_slots = []
        for J in JOURNALS:
            years = [(y, 1 + (y - 1985) ** 2 // 120) for y in range(max(1985, J[2]), 2026)]
            self.year_slots.append([(y, k, w) for y, w in years for k in range(w)])
        self.meta = lru_cache(maxsize=16384)(self._meta)

    # which file is what
    def kind(self, L: int) -> str:
        if (L | 1) < self.n and _unit(self.seed, 1, L // 2) < TWIN_PAIR_RATE:
            return "twin-a" if L % 2 == 0 else "twin-b"
        return "broken" if _unit(self.seed, 2, L) < BROKEN_RATE else "paper"

    def filename(self, L: int) -> str:
        a, b = self.perms[0]
        x = L
        while True:  # cycle-walking: a permutation of 0..n-1
            x = (a * x + b) % self.prime
            if x < self.n:
                return f"seed_{x + 1:0{self.width}d}.txt"

    def _place(self, p: int) -> tuple[int, int, int, int]:
        """(journal, year, s, q): s numbers the paper within its journal and year."""
        a, b = self.perms[1]
        q = (a * p + b) % self.prime
        j, k, w = self.journal_slots[q % len(self.journal_slots)]
        r = (q // len(self.journal_slots)) * w + k
        slots = self.year_slots[j]
        year, k2, w2 = slots[r * 7919 % len(slots)]  # 7919 is prime: still one slot per r, spread over the years
        return j, year, (r // len(slots)) * w2 + k2, q

    # one paper
    def _meta(self, p: int) -> dict:
        return self.paper(p)[0]

    def paper(self, p: int) -> tuple[dict, Rng]:
        """The paper's identity, and the random stream its content goes on from."""
        rng = Rng(_mix(self.seed, 3, p))
        j, year, s, q = self._place(p)
        title, abbr, y0, v0, vpy, ipy, locator, doi_fmt, publisher, _ = JOURNALS[j]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        precision = rng.choices(("year", "month", "day", "season"), (10, 55, 30, 5))[0]
        volume = str(v0 + (year - y0) * vpy + (month - 1) * vpy // 12)
        issue = str(1 + (month - 1) * ipy // 12) if ipy > 1 else None
        if issue and abbr == "Brain" and year < 2016:
            issue = f"Pt {issue}"
        slot = 2 * (s * 4 + rng.randrange(4))  # even; +1 below: corpus first pages are odd
        yl = chr(ord("a") + max(0, year - 2020))  # Brain Communications: fcaa (2020), fcab (2021)...
        if locator:
            year_part = (year % 100) * 10_000 if locator.startswith("e0") else 0  # PLoS One: e0 + yy + number
            first = last = locator.format(n=year_part + slot + 1, yl=yl)
        else:
            first = slot + 1
            last = first + rng.choice((0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 19))
        ahead = year >= 2024 and rng.random() < 0.15
        epub = None
        if year >= 1998 and rng.random() < 0.7:
            back = rng.randint(10, 150)
            em, ed = month - 1 - back // 30, 1 + (day + back) % 28
            epub = (year + (em // 12), em % 12 + 1, ed)
        a3, b3 = self.pmid_perm
        pmid = 10_000_000 + (a3 * p + b3) % self.pmid_prime
        is_oa = abbr in OPEN_ACCESS or rng.random() < 0.3
        authors = [self.person(rng) for _ in range(min(30, 1 + int(rng.expovariate(1 / 5))))]
        if rng.random() < 0.03:
            authors.append((None, rng.choice(["DYST-NET Consortium", "Dystonia Coalition Investigators",
                                              "Dystonia Study Group"])))
        focus = {
            "region": rng.choice(REGIONS), "region2": rng.choice(REGIONS), "dystonia": rng.choice(DYSTONIAS),
            "dystonia2": rng.choice(DYSTONIAS), "method": rng.choice(METHODS), "model": rng.choice(MODELS),
            "treatment": rng.choice(TREATMENTS), "concept": rng.choice(CONCEPTS), "measure": rng.choice(MEASURES),
            "design": rng.choice(DESIGNS),
        }
        while focus["dystonia2"][0] == focus["dystonia"][0] or focus["region2"][0] == focus["region"][0]:
            focus["dystonia2"], focus["region2"] = rng.choice(DYSTONIAS), rng.choice(REGIONS)
        words = self._words(focus)
        animal = rng.random() < 0.25
        template = rng.choice([t for t in TITLES if ("{model}" in t) == animal])
        if rng.random() < 0.95 and ":" not in template and "?" not in template:
            used = [w for w in ("{method}", "{concept}", "{treatment}", "{region2}") if w in template.lower()]
            template += rng.choice([e for e in (ANIMAL_ENDINGS if animal else HUMAN_ENDINGS)
                                    if not any(w in e for w in used)])  # no word twice
        title_text = template.format(n=rng.randint(8, 240), k=rng.randint(2, 15), **words)
        title_text = title_text[0].upper() + title_text[1:]
        meta = {
            "p": p, "journal": j, "title": title_text, "abbr": abbr, "journal_title": title, "publisher": publisher,
            "year": year, "month": month, "day": day, "precision": precision, "volume": volume, "issue": issue,
            "first": first, "last": last, "ahead": ahead, "epub": epub, "pmid": str(pmid),
            "pmcid": f"PMC{pmid - 9_000_000}" if is_oa and rng.random() < 0.8 else None,
            "is_oa": is_oa, "authors": authors, "focus": focus, "animal": animal,
            "types": list(focus["design"][1]) if "{design}" in template else [],
            "format": rng.choices(("new", "old", "agg"), (35, 20, 45))[0],
            "locator": bool(locator),
        }
        meta["doi"] = "10.5555/" + doi_fmt.format(
            q=q, year=year, yy=f"{year % 100:02d}", mm=f"{month:02d}", c=q % 10, yl=yl)
        return meta, rng

    def person(self, rng: Rng) -> tuple[str, str]:
        r = rng.random()
        family = rng.choice(RARE_FAMILY) if r < 0.003 else rng.choice(FAMILY)
        if r > 0.9:  # initials only, as older records give them
            given = " ".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(rng.randint(1, 2)))
        else:
            given = rng.choice(GIVEN)
            if rng.random() < 0.25 and " " not in given:
                given += " " + rng.choice("ABCDEFGHJKLMNPRSTW")
        return given, family

    @staticmethod
    def _words(focus: dict) -> dict:
        w = {k: v[0] if isinstance(v, tuple) else v for k, v in focus.items()}
        for k in ("region", "method", "concept", "treatment", "effect"):
            if k in w:
                w[k.capitalize()] = w[k][0].upper() + w[k][1:]
        return w

    def content(self, meta: dict, rng: Rng) -> dict:
        """Abstract, keywords, affiliations, MeSH, grants: the same for both twins."""
        words = self._words(meta["focus"])
        words.update(n=rng.randint(8, 160), m=rng.randint(8, 60), k=rng.randint(2, 12), k2=rng.randint(13, 52),
                     d=rng.randint(1, 9), d2=rng.randint(0, 9), pct=rng.randint(11, 89))
        order = ("Background", "Objective", "Methods", "Results", "Conclusions")
        sentences = {name: [] for name in order}
        target, count, used = rng.randint(100, 400), 0, set()
        for k in range(45):
            if count >= target:
                break
            name = order[k] if k < 5 else rng.choice(("Background", "Methods", "Results", "Results"))
            if rng.random() < 0.3:  # the abstract moves on from the paper's main topic now and then
                region, method = rng.choice(WORD_POOLS["region"]), rng.choice(WORD_POOLS["method"])
                words.update(region=region, Region=region[0].upper() + region[1:], method=method,
                             Method=method[0].upper() + method[1:], region2=rng.choice(WORD_POOLS["region"]),
                             measure=rng.choice(MEASURES))
            effect = rng.choice(EFFECTS)
            words.update(effect=effect, Effect=effect.capitalize(), pct=rng.randint(11, 89))
            pool = SENTENCE_POOLS[name, meta["animal"]]
            unused = [t for t in pool if t not in used] or pool
            template = rng.choice(unused)
            used.add(template)
            text = template.format(**words)
            sentences[name].append(text)
            count += text.count(" ") + 1
        sections = [(name, " ".join(sentences[name])) for name in order if sentences[name]]
        structured = rng.random() < 0.45
        labels = {name: rng.choice(LABELS[name]) for name in LABELS}
        f = meta["focus"]
        keywords = ["cerebellum", "dystonia", f["dystonia"][0], f["method"][0], f["region"][0], f["concept"]]
        keywords = list(dict.fromkeys(keywords[: rng.randint(3, 6)]))
        if rng.random() < 0.5:
            keywords = [k[0].upper() + k[1:] for k in keywords]
        n_aff = min(len(meta["authors"]), rng.choice((1, 1, 2, 2, 3, 4, 5, 6)))
        affiliations = rng.sample(AFFILIATIONS, n_aff)
        author_affs = []
        for _ in meta["authors"]:
            first, second = 1 + rng.randrange(n_aff), 1 + rng.randrange(n_aff)
            author_affs.append([first] if first == second or rng.random() < 0.7 else sorted((first, second)))
        human = not meta["animal"]
        mesh = [(f["region"][1], rng.choice(MESH_QUALIFIERS), True),  # (descriptor, qualifier, major topic)
                (f["dystonia"][1], rng.choice(MESH_QUALIFIERS), True), (f["method"][1], rng.choice(("methods", None)), False)]
        mesh += [(t, None, False) for t in (["Adult", "Female", "Humans", "Male", "Middle Aged"] if human
                                            else ["Animals", "Disease Models, Animal", "Mice", "Mice, Transgenic"])]
        mesh = sorted({m[0]: m for m in reversed(mesh)}.values(), key=lambda m: m[0])
        grants = []
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
            acronym, agency, country = rng.choice(GRANT_AGENCIES)
            if country == "United States":
                activity = rng.choice(("R01", "K23", "U54", "P50", "ZIA", "R21"))
                number = f"{activity} {acronym.strip('_')[:2]}{rng.randint(10000, 999999):06d}"
            else:
                number = f"{acronym.strip('_')}/{rng.choice('KLMNPRS')}{rng.randint(100000, 999999)}/1"
            grants.append(f"{number}/{acronym}/{agency}/{country}")
        return {"sections": sections, "structured": structured, "labels": labels, "keywords": keywords,
                "affiliations": affiliations, "author_affs": author_affs, "mesh": mesh, "grants": grants,
                "citations": int(rng.paretovariate(1.2)) - 1 + rng.randint(0, 20)}

    # dates and citations in PubMed's words
    @staticmethod
    def date_words(m: dict, precision: str | None = None) -> str:
        precision = precision or m["precision"]
        if precision == "year":
            return str(m["year"])
        if precision == "season":
            k = min(m["month"], 11)
            return f"{m['year']} {MONTHS[k - 1]}-{MONTHS[k]}"
        if precision == "day":
            return f"{m['year']} {MONTHS[m['month'] - 1]} {m['day']}"
        return f"{m['year']} {MONTHS[m['month'] - 1]}"

    @staticmethod
    def vip(m: dict, abbreviate: bool) -> str:
        """'34(3):345-356', '10:123456' -- volume, issue and pages, as after the date."""
        pages = m["first"] if m["locator"] else _pages(m["first"], m["last"], abbreviate)
        return m["volume"] + (f"({m['issue']})" if m["issue"] else "") + ":" + pages

    def cite_line(self, m: dict, abbreviate: bool) -> str:
        """'. 2014 Dec;13(6):666-8.' -- or ahead of print '. 2023 Nov 2:S0022-510X(23)00123-4.'"""
        if not m["ahead"]:
            return f". {self.date_words(m)};{self.vip(m, abbreviate)}."
        if m["locator"]:
            return f". {self.date_words(m, 'day')}:{m['first']}."
        if m["publisher"] == "Elsevier":  # the PII
            j, first = m["journal"], m["first"]
            return f". {self.date_words(m, 'day')}:S{1000 + j:04d}-{3000 + j}({m['year'] % 100:02d}){first:05d}-{first % 10}."
        return f". {self.date_words(m, 'day')}."

    @staticmethod
    def short_authors(authors, limit: int = 0) -> str:
        names = [family if given is None else f"{family} {_initials(given)}" for given, family in authors]
        if limit and len(names) > limit:
            names = names[:3] + ["et al"]
        return ", ".join(names)

    def cited(self, rng: Rng, p: int, first: int = 0, last: int = 9999) -> dict | None:
        """A corpus paper of those years to cite: often-cited ones come up more (and hit the cache)."""
        for _ in range(3):
            L = int(self.n * rng.random() ** 3)  # skewed: a few papers are cited by many
            if L != p and first <= self._place(L)[1] <= last and self.kind(L) in ("paper", "twin-a"):
                return self.meta(L)
        return None

    def invented(self, rng: Rng, year: int) -> dict:
        """A cited paper outside the corpus: its first page is even, so it never
        coincides with a corpus paper's (journal, volume, first page)."""
        y = rng.randint(max(1960, year - 30), year)
        authors = [self.person(rng) for _ in range(rng.choice((1, 2, 3, 3, 4, 5, 6, 8)))]
        template, fields = rng.choice(TITLE_FIELDS)  # (invented titles need not be unique)
        words = {}
        for field in fields:
            word = rng.choice(WORD_POOLS[field.lower()])
            words[field] = word[0].upper() + word[1:] if field[0].isupper() else word
        title = template.format(**words)
        first = 2 * rng.randint(1, 1500)
        m = {"title": title[0].upper() + title[1:], "authors": authors, "year": y, "month": rng.randint(1, 12),
             "day": rng.randint(1, 28), "precision": rng.choice(("year", "month", "month", "day")), "issue": None,
             "first": first, "last": first + rng.randint(1, 12), "locator": False, "doi": None}
        j = rng.randrange(len(JOURNALS) + len(OTHER_JOURNALS))
        if j < len(JOURNALS) and JOURNALS[j][2] <= y and JOURNALS[j][6] is None:
            _, m["abbr"], y0, v0, vpy, ipy, _, doi_fmt, _, _ = JOURNALS[j]
            m["volume"] = str(max(1, v0 + (y - y0) * vpy))
            m["issue"] = str(rng.randint(1, ipy)) if ipy > 1 else None
            q = EXTERNAL_Q + rng.randrange(80_000_000)
            if y >= 2000 and rng.random() < 0.8:
                m["doi"] = "10.5555/" + doi_fmt.format(q=q, year=y, yy=f"{y % 100:02d}", mm=f"{m['month']:02d}",
                                                       c=q % 10, yl="")
        else:  # a journal of that year that is never in the corpus
            m["abbr"], first_year, _, vpy = rng.choice([o for o in OTHER_JOURNALS if o[1] <= y <= o[2]])
            m["volume"] = str(1 + (y - first_year) * vpy + rng.randrange(vpy))
        return m

    def reference(self, rng: Rng, m: dict, style: str) -> str:
        """One reference line of a PubMed page, in one of the styles publishers send."""
        date = self.date_words(m, "year" if style in ("nlm-year",) else None)
        vip = self.vip(m, abbreviate=rng.random() < 0.7)
        doi = m["doi"]
        if style == "bare":
            return f"{m['abbr']}. {date};{vip} - PubMed"
        authors = self.short_authors(m["authors"], limit=6 if rng.random() < 0.5 else 0)
        title = m["title"] + ("" if m["title"].endswith("?") else ".")
        labels = rng.choice((" - DOI - PubMed", " - DOI - PMC - PubMed", " - PubMed", " - DOI"))
        if style == "vancouver":  # "N Engl J Med 2019;381:2311-21."
            pages = m["first"] if m["locator"] else _pages(m["first"], m["last"], True)
            return f"{authors}. {title} {m['abbr']} {m['year']};{m['volume']}:{pages}.{labels}"
        if style == "harvard" and doi:  # "Hallett, M., 2011. Title. Neurobiol. Dis. 42, 177–184. https://doi.org/…"
            names = ", ".join(f"{fam}, {'.'.join(_initials(g))}." if g else fam for g, fam in m["authors"][:6])
            pages = m["first"] if m["locator"] else f"{m['first']}\u2013{m['last']}"
            journal = m["abbr"].replace(" ", ". ")
            return f"{names}, {m['year']}. {title} {journal}. {m['volume']}, {pages}. https://doi.org/{doi}{labels}"
        if style == "frontiers" and doi:  # "Bologna M., Berardelli A. (2017). Title. Cerebellum Ataxias 4:6. 10.x/y"
            names = ", ".join(f"{fam} {_initials(g)}." if g else fam for g, fam in m["authors"][:6])
            pages = m["first"] if m["locator"] else f"{m['first']}\u2013{m['last']}"
            return f"{names} ({m['year']}). {title} {m['abbr']} {m['volume']}:{pages}. {doi}{labels}"
        with_doi = doi and style != "nlm-nodoi"
        return f"{authors}. {title} {m['abbr']}. {date};{vip}." + (f" doi: {doi}." if with_doi else "") + labels

    def references(self, p: int, meta: dict, count: int, old: bool) -> list[str]:
        rng = Rng(_mix(self.seed, 4, p))
        house = rng.choice(("nlm", "nlm", "nlm", "nlm-year", "vancouver", "harvard", "frontiers"))
        lines = []
        for _ in range(count):
            m = self.cited(rng, p, last=meta["year"]) if rng.random() < 0.25 else None
            m = m or self.invented(rng, meta["year"])
            if old:
                style = "bare" if rng.random() < 0.9 else "nlm"
            else:
                style = rng.choices((house, "bare", "nlm-nodoi"), (80, 12, 8))[0]
            lines.append(self.reference(rng, m, style))
            if rng.random() < 0.01:
                lines.append(f"[Accessed {rng.choice(MONTHS)} {rng.randint(1, 28)}, {meta['year']}];"
                             "Dystonia Medical Research Foundation website. https://dystonia-foundation.org.")
        return lines

    def sidebar(self, rng: Rng, meta: dict, count: int, later: bool) -> list[str]:
        """Entries of "Similar articles" or (later papers) "Cited by", four lines each."""
        lines, seen = [], set()
        for _ in range(count):
            m = self.cited(rng, meta["p"], first=meta["year"] if later else 0)
            if m is None or m["p"] in seen:
                m = self.invented(rng, 2025)
                if later:
                    m["year"] = max(m["year"], meta["year"])
            seen.add(m.get("p"))
            lines += self.sidebar_entry(rng, m) + [""]
        return lines

    def sidebar_entry(self, rng: Rng, m: dict) -> list[str]:
        pmid = m.get("pmid") or str(rng.randint(10_000_000, 39_999_999))
        tail = f" doi: {m['doi']}." if m["doi"] else ""
        return [m["title"] + ("" if m["title"].endswith("?") else "."), self.short_authors(m["authors"], 6) + ".",
                f"{m['abbr']}. {self.date_words(m)};{self.vip(m, True)}.{tail}",
                f"PMID: {pmid}" + rng.choice(SIMILAR_EXTRA)]

    # --- the formats ---------------------------------------------------------------

    def pubmed_new(self, meta: dict, c: dict, rng: Rng, upper: bool, twin: bool = False) -> str:
        compact = rng.random() < 0.4
        gap = None if compact else ""  # a blank line between blocks, or none (as Chrome copies)
        doi = meta["doi"].upper() if upper else meta["doi"]
        out = ["Skip to main page content", "U.S. flag", gap, "An official website of the United States government", gap,
               "Here's how you know", gap, "Official websites use .gov",
               "A .gov website belongs to an official government organization in the United States.", gap,
               "Secure .gov websites use HTTPS",
               "A lock ( ) or https:// means you've safely connected to the .gov website. Share sensitive information only on official, secure websites.",
               gap, "NIH NLM Logo", "Log in", "Show account info", "Close", "Account", gap,
               "Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation", "pubmed logo", gap,
               "Search:", "Search", "Advanced Clipboard", "User Guide", gap, "Save Email", "Send to", gap,
               "Display options", "Display options", "Format", gap, "Full text links", gap,
               f"{meta['publisher']} full text link" + (" Free PMC article full text link" if meta["pmcid"] else ""), gap,
               "Actions", gap, "Cite", gap, "Collections", gap, "Share", gap, "Page navigation", gap, "Title & authors"]
        has = {"coi": rng.random() < 0.25, "figures": rng.random() < 0.3,
               "cited": meta["year"] < 2024 and rng.random() < 0.5, "grants": bool(c["grants"])}
        n_refs = 0 if rng.random() < 0.15 else int(5 + rng.random() ** 1.5 * 75)
        refs = self.references(meta["p"], meta, n_refs, old=False)
        mesh = c["mesh"] if meta["year"] < 2024 or rng.random() < 0.3 else []
        nav = ["Abstract", "Conflict of interest statement" if has["coi"] else None, "Figures" if has["figures"] else None,
               "Similar articles", "Cited by" if has["cited"] else None, "References" if refs else None,
               "Publication types", "MeSH terms" if mesh else None, "Grants and funding" if has["grants"] else None,
               "LinkOut - more resources"]
        out += [x for x in nav if x] + [gap]
        header_types = [t for t in meta["types"] if t in ("Review", "Case Reports", "Meta-Analysis")][:1]
        out += header_types + [meta["abbr"], gap]
        cite = self.cite_line(meta, abbreviate=rng.random() < 0.5)
        if meta["ahead"]:
            tail = f"doi: {doi}. Online ahead of print."
        elif meta["locator"] and meta["is_oa"]:
            tail = f"doi: {doi}. eCollection {meta['year']}."
        elif meta["epub"]:
            ey, em, ed = meta["epub"]
            tail = f"doi: {doi}. Epub {ey} {MONTHS[em - 1]} {ed}."
        else:
            tail = f"doi: {doi}."
        out += [cite + " " + tail] if compact and rng.random() < 0.5 else [cite, tail]
        out += [gap, meta["title"], gap]
        equal = rng.random() < 0.05  # "#": equal contribution of the first two
        people = [f"{given} {family}" + (" #" if equal and k < 2 else "") + "".join(f" {x}" for x in numbers)
                  for k, ((given, family), numbers) in enumerate(zip(meta["authors"], c["author_affs"])) if given]
        out.append(", ".join(people) + "".join(f"; {family}" for given, family in meta["authors"] if not given))
        group = any(g is None for g, _ in meta["authors"])
        out.append(gap)
        if rng.random() < 0.3 or len(c["affiliations"]) == 1:
            out += ["Affiliations Collapse", "Affiliations"] if len(c["affiliations"]) > 1 else ["Affiliation"]
            glue = "" if rng.random() < 0.5 else " "
            out += [f"{k}{glue}{a}" for k, a in enumerate(c["affiliations"], 1)]
        else:
            out.append("Collaborators, Affiliations Expand" if group else "Affiliations Expand")
        out.append(gap)
        ids = [f"PMID: {meta['pmid']}"] + ([f"PMCID: {meta['pmcid']}"] if meta["pmcid"] else []) + [f"DOI: {doi}"]
        out += [("" if rng.random() < 0.1 else " ").join(ids), gap]
        if meta["pmcid"]:
            out.append("Free PMC article")
        elif meta["is_oa"] and rng.random() < 0.5:
            out.append("Free article")
        out += ["Item in Clipboard", gap, "Abstract", gap]
        if c["structured"]:
            own_line = rng.random() < 0.3  # "Background:" alone, the text on the next line
            for name, text in c["sections"]:
                label = c["labels"][name] + ":"
                out += ([label, text] if own_line else [f"{label} {text}"]) + [gap]
        else:
            texts = [text for _, text in c["sections"]]
            half = len(texts) // 2 if len(texts) > 3 and rng.random() < 0.5 else len(texts)
            out += [" ".join(texts[:half]), gap] + ([" ".join(texts[half:]), gap] if texts[half:] else [])
        keywords = "; ".join(c["keywords"]) + "."
        kw = ["Keywords:", keywords] if rng.random() < 0.2 else [f"Keywords: {keywords}"]
        copyright_line = self.copyright(meta, rng)
        if rng.random() < 0.6:
            out += kw + [gap] + ([copyright_line, gap] if copyright_line else [])
        else:
            out += ([copyright_line, gap] if copyright_line else []) + kw + [gap]
        out += ["PubMed Disclaimer", gap]
        if has["coi"]:
            out += ["Conflict of interest statement", gap,
                    rng.choice(["The authors declare no conflict of interest.",
                                "The authors report no disclosures relevant to this work.",
                                "Relevant conflicts of interest/financial disclosures: None."]), gap]
        if has["figures"]:
            out += ["Figures", gap]
            for k in range(1, rng.randint(2, 5)):
                caption = rng.choice(["Study design", "Cerebellar activation", "Group differences", "Correlation with severity"])
                out += [f"Figure {k}", f"Figure {k}. {caption}\u2026", gap]
        blank = (lambda lines: [x or gap for x in lines])
        out += ["Similar articles", gap] + blank(self.sidebar(rng, meta, 5, later=False))
        out += ["See all similar articles", gap]
        if has["cited"]:
            out += [rng.choice(["Cited by", f"Cited by {rng.randint(2, 90)} articles"]), gap]
            out += blank(self.sidebar(rng, meta, rng.randint(1, 5), later=True))
            out += ['See all "Cited by" articles', gap]
        if refs:
            out += ["References", gap]
            numbered = not compact and rng.random() < 0.6
            for k, line in enumerate(refs, 1):
                out += [f"    {k}. {line}"] if numbered else [line, " " if compact else ""]
            out.append(gap)
        out += ["Publication types", gap] + [t for t in meta["types"] if t != "Consensus Statement"]
        out += [rng.choice(["Research Support, Non-U.S. Gov't", "Research Support, N.I.H., Extramural", "Comparative Study"])
                ] if rng.random() < 0.5 else []
        out.append(gap)
        if mesh:
            out += ["MeSH terms", gap]
            for term, qualifier, major in mesh:
                out.append(term + (f" / {qualifier}" if qualifier else "") + ("*" if major else ""))
            out.append(gap)
        if has["grants"]:
            out += ["Grants and funding", gap] + c["grants"] + [gap]
        out += ["LinkOut - more resources", gap, "Full Text Sources", gap, meta["publisher"]]
        out += ["Europe PMC", "PubMed Central"] if meta["pmcid"] else []
        out += [gap, "Medical", gap, "MedlinePlus Health Information", gap, "NCBI Literature Resources", gap,
                "MeSH PMC Bookshelf Disclaimer", gap,
                "The PubMed wordmark and PubMed logo are registered trademarks of the U.S. Department of Health and Human Services (HHS). Unauthorized use of these marks is strictly prohibited.",
                gap, "FOLLOW NCBI", gap, "Connect with NLM", gap, "National Library of Medicine", "8600 Rockville Pike",
                "Bethesda, MD 20894", gap, "Web Policies", "FOIA", "HHS Vulnerability Disclosure", gap, "Help",
                "Accessibility", "Careers", gap, "NLM NIH HHS USA.gov"]
        return "\n".join(x for x in out if x is not None) + "\n"

    @staticmethod
    def copyright(meta: dict, rng: Rng) -> str | None:
        year, publisher = meta["year"], meta["publisher"]
        if rng.random() < 0.25 or year < 1990:
            return None
        if publisher == "Elsevier":
            return f"Copyright \u00a9 {year} Elsevier {rng.choice(['B.V.', 'Inc.', 'Ltd'])}. All rights reserved."
        if publisher == "Wiley":
            return rng.choice([f"\u00a9 {year} International Parkinson and Movement Disorder Society.",
                               "This article is protected by copyright. All rights reserved.",
                               f"\u00a9 {year} The Authors. {meta['journal_title']} published by Wiley Periodicals LLC."])
        if publisher == "Oxford University Press":
            behalf = " on behalf of the Guarantors of Brain" if meta["abbr"] in ("Brain", "Brain Commun") else ""
            return (f"\u00a9 The Author(s) {year}. Published by Oxford University Press{behalf}. "
                    "All rights reserved. For permissions, please email: journals.permissions@oup.com.")
        if meta["is_oa"]:
            family = meta["authors"][0][1]
            return f"Copyright: \u00a9 {year} {family} et al. This is an open access article distributed under the terms of the Creative Commons Attribution License."
        return f"\u00a9 {year} {publisher}."

    def pubmed_old(self, meta: dict, c: dict, rng: Rng, upper: bool, twin: bool = False) -> str:
        doi = meta["doi"].upper() if upper else meta["doi"]
        out = ["Skip to main page content", "U.S. flag", "", "An official website of the United States government", "",
               "Dot gov", "", "The .gov means it\u2019s official.",
               "Federal government websites often end in .gov or .mil. Before sharing sensitive information, make sure you\u2019re on a federal government site.",
               "", "Https", "", "The site is secure.",
               "The https:// ensures that you are connecting to the official website and that any information you provide is encrypted and transmitted securely.",
               "", "Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation"]
        types = [t for t in meta["types"] if t in ("Review", "Case Reports", "Meta-Analysis")][:1]
        if not types and rng.random() < 0.1:
            types = rng.choice([["Editorial"], ["Comment", "Letter"], ["Letter"]])
        out += types
        out.append(self.cite_line(meta, abbreviate=True))
        if meta["year"] >= 1995 or rng.random() < 0.3:
            out.append(f"doi: {doi}." + (f" Epub {meta['epub'][0]} {MONTHS[meta['epub'][1] - 1]} {meta['epub'][2]}."
                                         if meta["epub"] else ""))
        out += ["", meta["title"], ""]
        if rng.random() < 0.85:
            out += ["Affiliations"] + types + [""]
        out += [meta["title"], ""]
        people = [family if given is None else f"{given} {family}" for given, family in meta["authors"]]
        names = ", ".join(people) if len(people) <= 2 else f"{people[0]}\u00a0et al"
        month = f" {MONTHS[meta['month'] - 1]}" if meta["precision"] != "year" else ""
        out += [f"{names}. {meta['abbr']}. {meta['year']}{month}.", ""]
        if rng.random() < 0.05:
            out += ["No abstract available", ""]
        else:
            text = " ".join(t for _, t in c["sections"])
            out += ["Abstract", "", text, ""]
        out += ["PubMed Disclaimer", ""]
        refs = self.references(meta["p"], meta, 0 if rng.random() < 0.3 else rng.randint(1, 30), old=True)
        if refs:
            out += ["References", ""] + [f"    1. {line}" for line in refs] + [""]
        out += ["Publication types", "", "LinkOut - more resources"]
        return "\n".join(out)

    def aggregator(self, meta: dict, c: dict, rng: Rng, upper: bool, twin: bool = False) -> str:
        doi = meta["doi"].upper() if upper else meta["doi"]
        people = [family if given is None else f"{given} {family}" for given, family in meta["authors"]]
        style = rng.random()
        if style < 0.55:
            authors = ", ".join(people)
        elif style < 0.7:
            authors = [{"authorId": str(rng.randint(1000, 99999999)), "name": n} for n in people]
        elif style < 0.8 and all(g for g, _ in meta["authors"]) and not any(" Jr" in f for _, f in meta["authors"]):
            authors = "; ".join(f"{f}, {g}" for g, f in meta["authors"])
        elif len(people) > 1:
            authors = ", ".join(people[:-1]) + " and " + people[-1]
        else:
            authors = people[0]
        paragraphs = [(c["labels"][n] + ": " if c["structured"] else "") + t for n, t in c["sections"]]
        plain = " ".join(paragraphs) if not c["structured"] else "\n".join(paragraphs)
        html = rng.random()
        if html < 0.4:
            abstract = "<p><p>" + plain.replace("\n", "</p><p>") + "</p>"
        elif html < 0.5:
            abstract = "<jats:title>Abstract</jats:title>" + "".join(
                f"<jats:sec><jats:title>{c['labels'][n]}</jats:title><jats:p>{t}</jats:p></jats:sec>" if c["structured"]
                else f"<jats:p>{t}</jats:p>" for n, t in c["sections"])
        elif html < 0.6:
            abstract = plain.replace("P = ", "<i>P</i>&nbsp;=&nbsp;").replace("P < ", "<i>P</i>&nbsp;&lt;&nbsp;")
        elif html < 0.8:
            abstract = plain
        else:
            abstract = None
        pages = meta["first"] if meta["locator"] else _pages(meta["first"], meta["last"], rng.random() < 0.4)
        if rng.random() < 0.15:
            pages = f" {pages} ".replace("-", " - ")
        name = meta["journal_title"]
        if meta["abbr"] in NLM_TITLES and rng.random() < 0.2:
            name = NLM_TITLES[meta["abbr"]]
        journal = {"name": name + (" " if rng.random() < 0.1 else ""),
                   "volume": None if meta["ahead"] else meta["volume"] + (" " if rng.random() < 0.3 else ""),
                   "pages": None if meta["ahead"] else pages}
        if meta["issue"] and rng.random() < 0.2:
            journal["issue"] = meta["issue"]
        if rng.random() < 0.03:
            journal = None
        y, mo, d = meta["year"], meta["month"], meta["day"]
        if meta["epub"] and rng.random() < 0.4:
            y, mo, d = meta["epub"]
        date_style = rng.random()
        date = (f"{y}-{mo:02d}-{d:02d}" if date_style < 0.75 else f"{y}-{mo:02d}" if date_style < 0.85
                else f"{y}-{mo:02d}-{d:02d}T00:00:00" if date_style < 0.9 else None)
        epub = f"{y}/1/1 0:00:00" if rng.random() < 0.6 else f"{y}/{mo}/{d} 0:00:00"
        count = c["citations"]
        pdf = None
        if meta["is_oa"] and meta["pmcid"] and rng.random() < 0.8:
            pdf = rng.choice((f"https://europepmc.org/articles/{meta['pmcid'].lower()}?pdf=render",
                              f"https://www.ncbi.nlm.nih.gov/pmc/articles/{meta['pmcid']}/pdf/"))
            if rng.random() < 0.3:
                pdf = {"url": pdf, "status": rng.choice(["GREEN", "GOLD", "HYBRID"])}
        shadow = not meta["is_oa"] and rng.random() < 0.03
        if shadow:
            pdf = rng.choice([f"https://sci-hub-pdf.com/{doi}", f"https://moscow.sci-hub.ru/{rng.randint(1000, 9999)}/"
                              f"{rng.getrandbits(64):016x}/{meta['authors'][0][1].lower()}{meta['year']}.pdf"])
        types = ["JournalArticle"] + [t.replace(" ", "").replace("-", "") for t in meta["types"]
                                      if t != "Consensus Statement"]
        record = {
            "title": meta["title"].replace("'", "&#39;") if rng.random() < 0.05 else meta["title"],
            "authors": authors,
            "doi": None if rng.random() < 0.015 and not twin else (
                rng.choice(["https://doi.org/", "doi:", ""]) + doi if rng.random() < 0.1 else doi),
            "DOIUrl": None,
            "url": None if rng.random() < 0.7 else f"https://www.semanticscholar.org/paper/{rng.getrandbits(160):040x}",
            "abstract": abstract,
            "PeriodicalId": 30000 + meta["journal"] * 37,
            "journal": journal,
            "PeriodicalIF": round(rng.uniform(0, 12), 4) if rng.random() < 0.7 else 0.0,
            "publicationDate": date,
            "publicationTypes": rng.choice([", ".join(types), types, types, "Journal Article"]),
            "fieldsOfStudy": rng.choice([None, ["Medicine"], ["Medicine", "Psychology"], ["Biology", "Medicine"]]),
            "isOpenAccess": False if shadow else (meta["is_oa"] if rng.random() < 0.9 else str(meta["is_oa"]).lower()),
            "openAccessPdf": pdf,
            "citationCount": rng.choice([str(count), count, float(count), count]) if rng.random() < 0.95 else None,
            "resultStr": None, "platform": "Semanticscholar", "paperid": None,
            "PeriodicalName": meta["journal_title"],
            "FirstCategoryId": rng.choice(["1085", "3", "5"]),
            "ListUrlMain": f"https://doi.org/{doi}",
            "RegionNum": rng.randint(0, 4), "RegionCategory": None, "ArticlePicture": [], "TitleCN": None,
            "AbstractTextCN": None,
            "PMCID": meta["pmcid"] if rng.random() < 0.5 else None,
            "EPubDate": epub,
            "PubModel": rng.choice(["Print-Electronic", "Electronic", "eCollection", "Print"]),
            "JCR": rng.choice(["Q1", "Q2", "Q3", "Q4"]),
            "JCRName": rng.choice(["Clinical Neurology", "Neurosciences", "Medicine"]),
            "Score": None, "Total": 0,
        }
        if rng.random() < 0.1:
            record["pmid"] = meta["pmid"] if rng.random() < 0.5 else int(meta["pmid"])
        if rng.random() < 0.1:  # a pretty-printed export, no trailer
            return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        if rng.random() < 0.03:
            text = f"[{text}]"
        trailer = [rng.choice(["引用次数: ", "引用次数：", "Citations: "]) + str(count)]
        if abstract is not None or rng.random() < 0.8:
            trailer += ["Abstract", " ".join(p for p in paragraphs)]
        return text + "\n" + "\n".join(trailer) + ("\n" if rng.random() < 0.5 else "")

    def broken(self, L: int, rng: Rng) -> bytes:
        what = rng.choice(("empty", "truncated", "truncated", "binary", "binary", "text"))
        if what == "empty":
            return rng.choice((b"", b"\n", b"  \n\n"))
        if what == "truncated":
            meta, prng = self.paper(L)
            text = self.aggregator(meta, self.content(meta, prng), rng, False)
            end = json.JSONDecoder().raw_decode(text)[1]  # cut inside the JSON, never after it
            return text[: int(end * rng.uniform(0.2, 0.9))].encode()
        if what == "binary":
            magic = rng.choice((b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                                b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"PK\x03\x04\x14\x00\x06\x00"))
            return magic + rng.randbytes(rng.randint(200, 5000))
        meta = self.paper(L)[0]
        return rng.choice((
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser before "
            "accessing pubmed.ncbi.nlm.nih.gov.</body></html>\n",
            f"TY  - JOUR\nTI  - {meta['title']}\nAU  - {meta['authors'][0][1]}, {meta['authors'][0][0]}\n"
            f"PY  - {meta['year']}\nJO  - {meta['abbr']}\nVL  - {meta['volume']}\nER  - \n",
            "Skip to main page content\nU.S. flag\n\nAn official website of the United States government\n\nDot gov\n",
            f"notes for {meta['abbr']} search\n- check cerebellum papers\n- ask about {meta['authors'][0][1]}\n",
        )).encode()

    def render(self, L: int) -> tuple[str, bytes]:
        """(kind, bytes) of file L."""
        kind = self.kind(L)
        rng = Rng(_mix(self.seed, 5, L))
        if kind == "broken":
            return kind, self.broken(L, rng)
        p = L - 1 if kind == "twin-b" else L
        meta, prng = self.paper(p)
        c = self.content(meta, prng)
        fmt = meta["format"]
        upper = False
        if kind.startswith("twin"):
            upper = (_mix(self.seed, 6, p) % 2 == 0) == (kind == "twin-a")  # in exactly one of the two
            if kind == "twin-b":
                fmt = "agg" if fmt != "agg" else ("new" if _unit(self.seed, 7, p) < 0.64 else "old")
        write = {"new": self.pubmed_new, "old": self.pubmed_old, "agg": self.aggregator}[fmt]
        text = write(meta, c, rng, upper, kind != "paper")
        if fmt != "agg" and rng.random() < 0.03:
            text = text.replace("\n", "\r\n")  # saved on Windows
        data = text.encode()
        return kind, (b"\xef\xbb\xbf" + data if rng.random() < 0.01 else data)


# --- driving it ------------------------------------------------------------------------

_corpus: Corpus | None = None


def _init(n: int, seed: int) -> None:
    global _corpus
    _corpus = Corpus(n, seed)


def _write_range(args: tuple[str, int, int]) -> dict:
    out_dir, start, stop = args
    counts = {"files": 0, "papers": 0, "duplicates": 0, "broken": 0}
    for L in range(start, stop):
        kind, data = _corpus.render(L)
        with open(os.path.join(out_dir, _corpus.filename(L)), "wb") as f:
            f.write(data)
        counts["files"] += 1
        counts["broken"] += kind == "broken"
        counts["papers"] += kind in ("paper", "twin-a")
        counts["duplicates"] += kind == "twin-b"
    return counts


def generate(n: int, out_dir: str, seed: int = 42, workers: int | None = None) -> dict:
    """Write n seed files into out_dir; returns counts of files, papers, duplicates, broken."""
    os.makedirs(out_dir, exist_ok=True)
    chunk = 1000
    jobs = [(str(out_dir), start, min(n, start + chunk)) for start in range(0, n, chunk)]
    workers = workers or min(os.cpu_count() or 1, 8)
    totals = {"files": 0, "papers": 0, "duplicates": 0, "broken": 0}
    if workers == 1 or len(jobs) == 1:
        _init(n, seed)
        results = list(map(_write_range, jobs))
    else:
        with Pool(workers, initializer=_init, initargs=(n, seed)) as pool:
            results = list(pool.imap_unordered(_write_range, jobs))
    for counts in results:
        for key in totals:
            totals[key] += counts[key]
    return totals


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of files to write")
    parser.add_argument("--out", required=True, help="folder to write them to (created if missing)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.n, args.out, args.seed)
    print(f"{args.out}: {counts['files']} files written, {counts['papers']} papers, "
          f"{counts['duplicates']} duplicates, {counts['broken']} broken, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
