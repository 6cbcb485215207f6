/* datasette-search-all 1.1.4's page script, unchanged except for where it reads the
   list of searchable tables: moved out of the page (templates/search_all.html) so the
   Content-Security-Policy can refuse every inline script (plugins/security.py). */
var NUM_RESULTS = 5;
var searchable_tables = JSON.parse(document.getElementById("search-all-tables").textContent);
var q = document.getElementById("search-all-q");
var search_results = document.getElementById("search-all-results");
var search_no_results = document.getElementById("search-all-no-results");

function isUrl(s) {
  let url;
  try {
    url = new URL(s);
  } catch (_) {
    return false;
  }
  return url.protocol === "http:" || url.protocol === "https:";
}


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

function displayCell(cell) {
    // cell is either a value or a {"value:", "label": } object
    let value;
    if (cell && typeof(cell.label) !== "undefined") {
        value = cell.label || cell.value;
    } else {
        value = cell;
    }
    if (isUrl(value)) {
      return safe(`<a href="${htmlEscape(value)}">${htmlEscape(value)}</a>`);
    }
    return value;
}

function displayResults(data, base_url) {
    var rows = data.rows;
    var database = data.database;
    var table = data.table;
    var columns = [];
    if (data.rows.length) {
        columns = Object.keys(data.rows[0]);
    }
    var count = data.filtered_table_rows_count || data.count;
    var ths = safe(columns.map(c => autoescape`<th>${c}</th>`).join(""));
    var tr_rows = safe(rows.map(row => autoescape`<tr>${safe(columns.map(column => autoescape`<td>${displayCell(row[column])}</td>`).join(""))}</tr>`).join(""));
    var view_more = '';
    var search_url = `${base_url}?_search=${encodeURIComponent(q.value)}`;
    if (count > NUM_RESULTS) {
        var more_count = count - NUM_RESULTS;
        view_more = autoescape`<p><a href="${search_url}">${Number(more_count).toLocaleString()} more result${more_count == 1 ? '' : 's'}</a></p>`;
    }
    var html, div;
    if (count) {
        html = autoescape`
            <h2><a href="${search_url}">${Number(count).toLocaleString()} result${count == 1 ? '' : 's'}</a> in ${database}: ${table}</h2>
            <div style="overflow: auto">
            <table class="rows-and-columns">
                <tr>${ths}</tr>
                ${tr_rows}
            </table>
            ${view_more}
            </div>
        `;
        div = document.createElement('div');
        div.innerHTML = html;
        search_results.appendChild(div);
    } else {
        search_no_results.innerHTML += autoescape`
            <p>No results in <a href="${base_url}">${database}: ${table}</a></p>
        `;
    }
}

if (q.value) {
    searchable_tables.forEach(item => {
        var base_url = item.url;
        var li = document.querySelector(`[data-searchable-url="${base_url}"]`);
        li.classList.add('search-all-loading');
        var json_url = `${item.url_json}?_shape=objects&_labels=on&_extra=count&_extra=database&_extra=table&_size=${NUM_RESULTS}&_search=${encodeURIComponent(q.value)}`;
        fetch(json_url).then(r => r.json()).then((data) => {
            li.style.display = 'none';
            displayResults(data, base_url);
        });
    });
}
