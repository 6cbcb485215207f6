/* datasette-search-all 1.1.4's page script, unchanged except for where it reads the
   list of searchable tables: moved out of the page (templates/search_all.html) so the
   Content-Security-Policy can refuse every inline script (plugins/security.py). */
var NUM_RESULTS = 5;
var searchable_tables = JSON.parse(document.getElementById("search-all-tables").textContent);
var q = document.getElementById("search-all-q");
var search_results = document.getElementById("search-all-results");
var search_no_results = document.getElementById("search-all-no-results");

function htmlEscape(html) {
  return html.replace(
    /&/g, '&amp;'
  ).replace(
    />/g, '&gt;'
  ).replace(
    /</g, '&lt;'
  ).replace(
    /"/g, '&quot;'
  ).replace(
    /'/g, '&#039;'
  );
}

class Safe extends String {}

function safe(s) {
  if (!(s instanceof Safe)) {
    return new Safe(s);
  } else {
    return s;
  }
}

var autoescape = (fragments, ...inserts) => safe(fragments.map(
  (fragment, i) => {
    var insert = (inserts[i] || '');
    if (!(insert instanceof Safe)) {
      insert = htmlEscape(insert.toString());
    }
    return fragment + insert;
  }
).join(''));

// Changed from datasette-search-all: results are a short list of linked rows (the
// title, or the first columns, cut to a line), not every column of every row (an
// abstract a cell); each row links to its page.
var SHOWN_COLUMNS = 4;
var MAX_CHARS = 160;

function cellText(cell) {
    // cell is either a value or a {"value:", "label": } object
    var value = (cell && typeof(cell.label) !== "undefined") ? (cell.label || cell.value) : cell;
    if (value === null || value === undefined) {
        return "";
    }
    value = value.toString();
    if (value.charAt(0) === "[") {  // a JSON array column (authors, topics): its items
        try { value = JSON.parse(value).join(", "); } catch (_) {}
    }
    return value.length > MAX_CHARS ? value.slice(0, MAX_CHARS - 1) + "…" : value;
}

function rowUrl(base_url, row, primary_keys) {
    if (!primary_keys || !primary_keys.length) {
        return null;
    }
    var parts = primary_keys.map(pk => {
        var cell = row[pk];
        var value = (cell && typeof(cell.value) !== "undefined") ? cell.value : cell;
        return encodeURIComponent(String(value));
    });
    return `${base_url}/${parts.join(",")}`;
}

function displayRow(row, columns, base_url, primary_keys) {
    var url = rowUrl(base_url, row, primary_keys);
    var main = columns.includes("title") ? "title" : columns[0];
    var rest = columns.filter(c => c !== main && !primary_keys.includes(c) && c !== "abstract").slice(0, SHOWN_COLUMNS - 1);
    var head = url ? autoescape`<a href="${url}">${cellText(row[main])}</a>` : autoescape`${cellText(row[main])}`;
    var details = rest.map(c => cellText(row[c])).filter(v => v).join(" · ");
    return autoescape`<li>${head}<br><span class="muted">${details}</span></li>`;
}

function displayResults(data, base_url) {
    var rows = data.rows;
    var database = data.database;
    var table = data.table;
    var primary_keys = data.primary_keys || [];
    var columns = rows.length ? Object.keys(rows[0]) : [];
    if (columns.includes("title")) {  // papers: title, authors, journal, year
        columns = ["title"].concat(["authors", "journal_id", "year"].filter(c => columns.includes(c)))
            .concat(primary_keys.filter(c => columns.includes(c)));
    }
    var count = data.filtered_table_rows_count || data.count;
    var items = safe(rows.map(row => displayRow(row, columns, base_url, primary_keys)).join(""));
    var view_more = '';
    var search_url = `${base_url}?_search=${encodeURIComponent(q.value)}`;
    if (count > NUM_RESULTS) {
        var more_count = count - NUM_RESULTS;
        view_more = autoescape`<p><a href="${search_url}">${Number(more_count).toLocaleString()} more result${more_count == 1 ? '' : 's'}</a></p>`;
    }
    var html, div;
    if (count) {
        html = autoescape`
            <h2><a href="${search_url}">${Number(count).toLocaleString()} result${count == 1 ? '' : 's'}</a> in ${table}</h2>
            <ul class="search-all-list">${items}</ul>
            ${view_more}
        `;
        div = document.createElement('div');
        div.innerHTML = html;
        search_results.appendChild(div);
    } else {
        search_no_results.innerHTML += autoescape`
            <p>No results in <a href="${base_url}">${table}</a></p>
        `;
    }
}

if (q.value) {
    searchable_tables.forEach(item => {
        var base_url = item.url;
        var li = document.querySelector(`[data-searchable-url="${base_url}"]`);
        li.classList.add('search-all-loading');
        var json_url = `${item.url_json}?_shape=objects&_labels=on&_extra=count&_extra=database&_extra=table&_extra=primary_keys&_size=${NUM_RESULTS}&_search=${encodeURIComponent(q.value)}`;
        fetch(json_url).then(r => r.json()).then((data) => {
            li.style.display = 'none';
            displayResults(data, base_url);
        });
    });
}
