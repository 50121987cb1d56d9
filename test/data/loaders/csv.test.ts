import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data } from '../../../src/index.js';
import { assertClose } from '../../helpers.js';

const { parseCsv, csvFromString, loadCsv, csvDataset } = data;

const dir = mkdtempSync(join(tmpdir(), 'tessera-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fields = (text: string, options = {}): string[][] => parseCsv(text, options).map((r) => r.fields);

test('parseCsv handles quotes, doubled quotes, embedded delimiters and line breaks', () => {
  const text = 'name,quote\n"Smith, J.","He said ""hi"""\nplain,"two\nlines"\n';
  const records = parseCsv(text);
  assert.deepEqual(records.map((r) => r.fields), [['name', 'quote'], ['Smith, J.', 'He said "hi"'], ['plain', 'two\nlines']]);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 3]);
  // The record after a two-line field starts on line 5.
  assert.equal(parseCsv('a\n"x\ny"\nb\n')[2]!.line, 4);
});

test('parseCsv reads CRLF and CR line ends, a BOM, empty fields, comments and a custom delimiter', () => {
  assert.deepEqual(fields('a,b\r\n1,2\r\n'), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(fields('a,b\r1,2'), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(fields('\uFEFFa,b\n,\n'), [['a', 'b'], ['', '']]);
  assert.deepEqual(fields('a;b\n"1;5";2\n', { delimiter: ';' }), [['a', 'b'], ['1;5', '2']]);
  assert.deepEqual(fields('a\tb\n1\t2', { delimiter: '\t' }), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(fields('# note\na\n\n\n1\n#x\n', { comment: '#' }), [['a'], ['1']]);
  // Blank lines are skipped unless asked; a lone quoted empty field is a record.
  assert.deepEqual(fields('a\n\n1\n'), [['a'], ['1']]);
  assert.deepEqual(fields('a\n\n1\n', { skipEmptyLines: false }), [['a'], [''], ['1']]);
  assert.deepEqual(fields('a\n""\n'), [['a'], ['']]);
  // A quote inside an unquoted field is literal (as Python's csv); spaces after a closing quote are ignored.
  assert.deepEqual(fields('5" pipe,"x" ,y'), [['5" pipe', 'x', 'y']]);
  assert.deepEqual(fields('"a\r\nb",c'), [['a\r\nb', 'c']]);
});

test('parseCsv reports malformed quoting with line and column', () => {
  assert.throws(() => parseCsv('a,b\n1,"open\n2,3\n'), /parseCsv: line 2, column 2: unterminated quoted field/);
  assert.throws(() => parseCsv('a,b\n1,"say "hi" now"\n'), /parseCsv: line 2, column 2: unexpected "h" after the closing quote of a quoted field/);
  assert.throws(() => parseCsv('a', { delimiter: ';;' }), /parseCsv: delimiter must be a single character/);
  assert.throws(() => parseCsv('a', { delimiter: '"' }), /delimiter and quote must differ/);
});

const IRIS = [
  'sepal,petal,color,species',
  '5.1,1.4,red,setosa',
  '4.9,NA,blue,setosa',
  '6.3,4.9,red,virginica',
  '5.8,,green,versicolor',
  '7.0,4.7,NA,versicolor',
].join('\n');

test('csvFromString infers number and category columns and encodes categories by sorted vocabulary', () => {
  const out = csvFromString(IRIS, { target: 'species' });
  assert.deepEqual(out.columns, ['sepal', 'petal', 'color']);
  assert.deepEqual(out.schema.types, { sepal: 'number', petal: 'number', color: 'category', species: 'category' });
  assert.deepEqual(out.encoders.color!.categories, ['blue', 'green', 'red']);
  assert.deepEqual(out.encoders.species!.categories, ['setosa', 'versicolor', 'virginica']);
  assert.equal(out.features.dtype, 'float32');
  assertClose(out.features, [[5.1, 1.4, 2], [4.9, NaN, 0], [6.3, 4.9, 2], [5.8, NaN, 1], [7.0, 4.7, NaN]]);
  assert.equal(out.target!.dtype, 'int32');
  assert.deepEqual(out.target!.tolist(), [0, 0, 2, 1, 1]);
  assert.equal(out.targetName, 'species');
  assert.equal(out.encoders.species!.decode(2), 'virginica');
  assert.equal(out.droppedRows, 0);
});

test('fill strategies: mean, median, mostFrequent, constant and drop, globally or per column', () => {
  const mean = csvFromString(IRIS, { target: 'species', fill: { petal: 'mean', color: 'mostFrequent' } });
  // petal mean of 1.4, 4.9, 4.7 = 11 / 3; most frequent color 'red' (index 2).
  assertClose(mean.features.select(1, 1), [1.4, 11 / 3, 4.9, 11 / 3, 4.7]);
  assertClose(mean.features.select(1, 2), [2, 0, 2, 1, 2]);
  assert.deepEqual(mean.schema.fills, { sepal: null, petal: 11 / 3, color: 'red' });
  const median = csvFromString(IRIS, { target: 'species', fill: { petal: 'median', color: { constant: 'blue' } } });
  assertClose(median.features.select(1, 1), [1.4, 4.7, 4.9, 4.7, 4.7]);
  assertClose(median.features.select(1, 2), [2, 0, 2, 1, 0]);
  const constant = csvFromString('a,b\n1,\n,2\n', { fill: { constant: -1 } });
  assertClose(constant.features, [[1, -1], [-1, 2]]);
  const drop = csvFromString(IRIS, { target: 'species', fill: 'drop' });
  assert.equal(drop.droppedRows, 3);
  assertClose(drop.features, [[5.1, 1.4, 2], [6.3, 4.9, 2]]);
  assert.deepEqual(drop.target!.tolist(), [0, 2]);
  const dropOne = csvFromString(IRIS, { target: 'species', fill: { color: 'drop' } });
  assert.equal(dropOne.features.shape[0], 4);
  // Even row counts take the middle pair's mean for the median.
  assertClose(csvFromString('x\n1\n2\n10\n20\nNA\n', { fill: 'median' }).features.reshape(-1), [1, 2, 10, 20, 6]);
});

test('a schema carries types, vocabularies and fill values to another split', () => {
  const train = csvFromString(IRIS, { target: 'species', fill: { petal: 'mean', color: 'mostFrequent' } });
  const json = JSON.parse(JSON.stringify(train.schema));
  const test2 = csvFromString('sepal,petal,color,species\n6.0,,blue,virginica\n5.0,2.0,,setosa\n', { schema: json });
  assertClose(test2.features, [[6.0, 11 / 3, 0], [5.0, 2.0, 2]]);
  assert.deepEqual(test2.target!.tolist(), [2, 0]);
  const unknown = 'sepal,petal,color,species\n6.0,1,purple,setosa\n';
  assert.throws(() => csvFromString(unknown, { schema: json }), /csvFromString: CSV text line 2, column 'color': unknown category "purple" \(not in the vocabulary of 3/);
  const asMissing = csvFromString(unknown, { schema: json, unknownCategories: 'missing' });
  assertClose(asMissing.features, [[6.0, 1, 2]]); // 'purple' treated as missing, filled with 'red'
});

test('given types, numeric categories, column selection, header options and target dtypes', () => {
  const text = 'id,grade,score,label\n1,10,0.5,1\n2,9,1.5,0\n3,10,2.5,2\n';
  const out = csvFromString(text, { target: 'label', columns: ['score', 'grade'], types: { grade: 'category' }, targetDtype: 'int32' });
  assert.deepEqual(out.columns, ['score', 'grade']);
  assert.deepEqual(out.encoders.grade!.categories, [9, 10]); // numerically, not '10' < '9'
  assertClose(out.features, [[0.5, 1], [1.5, 0], [2.5, 1]]);
  assert.equal(out.target!.dtype, 'int32');
  assert.deepEqual(out.target!.tolist(), [1, 0, 2]);
  const regression = csvFromString(text, { target: 3, dtype: 'float64' });
  assert.equal(regression.features.dtype, 'float64');
  assert.equal(regression.target!.dtype, 'float32');
  assert.deepEqual(regression.columns, ['id', 'grade', 'score']);
  const noHeader = csvFromString('1,2\n3,4\n', { header: false, target: 1 });
  assert.deepEqual(noHeader.columns, ['0']);
  assert.deepEqual(noHeader.target!.tolist(), [2, 4]);
  const named = csvFromString('1,2\n3,4\n', { header: ['a', 'b'], missing: ['?'] });
  assert.deepEqual(named.features.tolist(), [[1, 2], [3, 4]]);
  const custom = csvFromString('a\n?\n-inf\n1e3\n', { missing: ['?'] });
  assertClose(custom.features.reshape(-1), [NaN, -Infinity, 1000]);
});

test('csv errors name the source, line and column', () => {
  assert.throws(() => csvFromString('a,b\n1,2\n3\n'), /csvFromString: CSV text line 3: has 1 fields, expected 2 \(a, b\)/);
  assert.throws(() => csvFromString('a,a\n1,2\n'), /the column name 'a' appears twice/);
  assert.throws(() => csvFromString('a,b\n1,2\n', { target: 'c' }), /target "c" is not a column \(columns: a, b\)/);
  assert.throws(() => csvFromString('a,b\n1,2\nx,3\n', { types: { a: 'number' } }), /CSV text line 3, column 'a': cannot read "x" as a number/);
  assert.throws(() => csvFromString('a,y\n1,2\n2,\n', { target: 'y' }), /line 3, column 'y': the target is missing/);
  assert.throws(() => csvFromString('a,y\n1,2.5\n', { target: 'y', targetDtype: 'int32' }), /line 2, column 'y': targetDtype 'int32' needs integer targets, got 2.5/);
  assert.throws(() => csvFromString('a\nx\n', { fill: 'mean' }), /column 'a': fill 'mean' needs a number column/);
  assert.throws(() => csvFromString('a\nx\n', { fill: 'average' as never }), /fill must be one of nan, mean, median, mostFrequent, drop/);
  assert.throws(() => csvFromString(''), /CSV text: is empty; expected a header line/);
  assert.throws(() => csvFromString('a,b\n1,2\n', { fill: { c: 'mean' } }), /fill names 'c', which is not a loaded column \(loaded: a, b\)/);
  assert.throws(() => csvFromString('a,b\n1,2\n', { columns: ['a'], types: { b: 'number' } }), /types names 'b', which is not a loaded column \(loaded: a\)/);
  assert.throws(() => csvFromString('a,b\n1,2\n', { types: { a: 'text' as never } }), /column 'a': type must be 'number' or 'category', got "text"/);
  assert.throws(() => csvFromString('a\n"1\n'), /CSV text: line 2, column 1: unterminated quoted field/);
  const path = join(dir, 'bad.csv');
  writeFileSync(path, 'a,b\n1,2\n3,4,5\n');
  assert.throws(() => loadCsv(path), /loadCsv: '.*bad\.csv' line 3: has 3 fields, expected 2/);
  assert.throws(() => loadCsv(join(dir, 'absent.csv')), /loadCsv: cannot read '.*absent\.csv': no such file or directory/);
});

test('loadCsv and csvDataset read a file into tensors and a TensorDataset', () => {
  const path = join(dir, 'table.csv');
  writeFileSync(path, 'x1,x2,"the label"\r\n0.5,1,"yes"\r\n-1,"2",no\r\n');
  const loaded = loadCsv(path, { target: 'the label' });
  assertClose(loaded.features, [[0.5, 1], [-1, 2]]);
  assert.deepEqual(loaded.target!.tolist(), [1, 0]);
  const ds = csvDataset(path, { target: 'the label' });
  assert.equal(ds.length, 2);
  const [x, y] = ds.get(1);
  assertClose(x!, [-1, 2]);
  assert.equal(y!.item(), 0);
  const featuresOnly = csvDataset(path, { columns: ['x2'] });
  assert.equal(featuresOnly.get(0).length, 1);
});
