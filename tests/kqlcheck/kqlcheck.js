#!/usr/bin/env node
// kqlcheck.js: checks KQL queries with Microsoft's Kusto language service
// (@kusto/language-service-next: the parser and binder of Kusto.Explorer and
// the Azure Data Explorer web UI) against the Defender XDR and Sentinel table
// schemas in schema/*.json. Syntax, unknown tables, columns and functions, and
// operand types are all errors.
//
//   kqlcheck.js [-q] [--expect] [--schema DIR] [--files LIST] FILE...
//
// Each FILE holds one query. Prints one line per error, FILE: LINE:COL: MESSAGE
// [CODE]. --files LIST reads further file names from LIST, one per line (for
// thousands of queries in one process: loading the service takes seconds).
// --expect turns the run into a self-test: a file with a line
// "// expect: CODE" must fail with that code, every other file must pass.
// Exit status: 0 all as expected, 1 some not, 2 usage, I/O or schema error.
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`kqlcheck: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { quiet: false, expect: false, schema: path.join(__dirname, 'schema'), files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : die(`${a} needs a value`));
    if (a === '-q') o.quiet = true;
    else if (a === '--expect') o.expect = true;
    else if (a === '--schema') o.schema = value();
    else if (a === '--files') o.files.push(...readList(value()));
    else if (a.startsWith('-') && a !== '-') die(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (!o.files.length) die('no query files');
  return o;
}

function readList(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  } catch (e) {
    return die(`${file}: ${e.message}`);
  }
}

// The language service is a Bridge.NET build: two scripts that define globals.
function loadService() {
  let dir;
  try {
    dir = path.dirname(require.resolve('@kusto/language-service-next/package.json'));
  } catch (e) {
    die('@kusto/language-service-next is not installed: run npm ci beside package.json, ' +
        'or set NODE_PATH to the node_modules it was installed in (./build.sh test does this)');
  }
  require(path.join(dir, 'bridge.min.js'));
  require(path.join(dir, 'Kusto.Language.Bridge.min.js'));
  return global.Kusto;
}

// Every schema/*.json: {"tables": {T: {column: type}}, "functions": {F: {parameters, columns}}}.
// A table named in two files gets the union of its columns.
function loadSchema(dir) {
  const tables = new Map(), functions = new Map();
  let names;
  try {
    names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    die(`schema: ${e.message}`);
  }
  for (const f of names) {
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    } catch (e) {
      die(`${path.join(dir, f)}: ${e.message}`);
    }
    for (const [t, cols] of Object.entries(doc.tables || {}))
      tables.set(t, Object.assign(tables.get(t) || {}, cols));
    for (const [fn, spec] of Object.entries(doc.functions || {})) functions.set(fn, spec);
  }
  return { tables, functions };
}

const TYPES = {
  string: 'String', int: 'Int', long: 'Long', real: 'Real', double: 'Real', decimal: 'Decimal',
  bool: 'Bool', boolean: 'Bool', datetime: 'DateTime', timespan: 'TimeSpan', dynamic: 'Dynamic',
  guid: 'Guid',
};

function scalar(S, type, where) {
  const t = TYPES[String(type).toLowerCase()];
  if (!t) die(`schema: ${where}: unknown type '${type}'`);
  return S.ScalarTypes[t];
}

// Declares only the tables and functions whose names occur in the queries:
// building every symbol costs about a second, and an undeclared name is
// reported as unknown either way.
function globalsFor(Kusto, schema, words) {
  const S = Kusto.Language.Symbols;
  const members = [];
  for (const [t, cols] of schema.tables) {
    if (!words.has(t)) continue;
    const columns = Object.entries(cols).map(([c, type]) =>
      new S.ColumnSymbol(c, scalar(S, type, `${t}.${c}`), null, null, null, null));
    members.push(new S.TableSymbol.$ctor4(t, columns));
  }
  for (const [f, spec] of schema.functions) {
    if (!words.has(f)) continue;
    // the body is an empty datatable of the result columns: the binder infers
    // the function's result schema from it
    const cols = Object.entries(spec.columns).map(([c, type]) => {
      scalar(S, type, `${f}.${c}`);
      return `['${c}']:${type}`;
    });
    const body = `{ datatable(${cols.join(', ')}) [] }`;
    members.push(new S.FunctionSymbol.$ctor14(f, body,
      S.Parameter.ParseList(spec.parameters || '()'), null));
  }
  const db = new S.DatabaseSymbol.ctor('sigmacc', members);
  return Kusto.Language.GlobalState.Default.WithDatabase(db);
}

function position(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

// The errors of one query as [{where, message, code}].
function check(Kusto, globals, text) {
  if (!text.replace(/^\s*\/\/.*$/gm, '').trim())	// nothing but comments
    return [{ where: '1:1', message: 'empty query', code: 'EMPTY' }];
  const diags = Kusto.Language.KustoCode.ParseAndAnalyze(text, globals).GetDiagnostics();
  const errors = [];
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) === 'Error')
      errors.push({ where: position(text, d.Start), message: d.Message, code: d.Code });
  }
  return errors;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const queries = [];
  const words = new Set();
  for (const file of o.files) {
    let text;
    try {
      text = fs.readFileSync(file === '-' ? 0 : file, 'utf8').replace(/^\uFEFF/, '');
    } catch (e) {
      die(`${file}: ${e.message}`);
    }
    for (const w of text.match(/[A-Za-z_]\w*/g) || []) words.add(w);
    const expect = /^\/\/ expect: (\S+)$/m.exec(text);
    queries.push({ file, text, expect: expect ? expect[1] : null });
  }
  const Kusto = loadService();
  const globals = globalsFor(Kusto, loadSchema(o.schema), words);
  let bad = 0;
  for (const q of queries) {
    const errors = check(Kusto, globals, q.text);
    let ok = errors.length === 0;
    if (o.expect) {
      ok = q.expect ? errors.some((e) => e.code === q.expect) : ok;
      if (!ok && q.expect) process.stdout.write(`${q.file}: expected ${q.expect}, got ` +
        (errors.length ? errors.map((e) => e.code).join(' ') : 'no error') + '\n');
    }
    if (!ok) bad++;
    if (!ok || !o.expect)
      for (const e of errors)
        process.stdout.write(`${q.file}: ${e.where}: ${e.message} [${e.code}]\n`);
  }
  if (!o.quiet)
    process.stderr.write(`kqlcheck: ${queries.length} quer${queries.length === 1 ? 'y' : 'ies'}, ` +
      `${bad} ${o.expect ? 'not as expected' : 'invalid'}\n`);
  process.exit(bad ? 1 : 0);
}

main();
