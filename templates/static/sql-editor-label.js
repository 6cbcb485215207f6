// The SQL editor (CodeMirror 5, which Datasette's pages start on load) types into a
// textarea of its own that has no label; screen readers and axe-core (rule "label") need
// one. CodeMirror gives it this name from its screenReaderLabel option, set here as a
// default before the editor is made. A file, not an inline script: the
// Content-Security-Policy runs no inline script but Datasette's own (plugins/security.py).
if (window.CodeMirror) {
  CodeMirror.defaults.screenReaderLabel = "SQL query";
}
