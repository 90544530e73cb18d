// What wwwroot ships: the committed livemux-player.js is the bundle of the modules in player/ and parses
// as a module; no module is over 400 lines; and no file names a path on the machine it was written on.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { bundle, bundlePath, modules, wwwroot } from './bundle.mjs';

const MAX_MODULE_LINES = 400;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('the bundle', () => {
  test('livemux-player.js is the bundle of player/*.js (else run: node tests/player/bundle.mjs)', () => {
    assert.ok(readFileSync(bundlePath, 'utf8') === bundle(), `${bundlePath} is stale: run node tests/player/bundle.mjs`);
  });

  test('parses as a module: no two modules declare one name, every import is exported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'livemux-bundle-'));
    try {
      const copy = join(dir, 'livemux-player.mjs');
      writeFileSync(copy, bundle());
      execFileSync(process.execPath, ['--check', copy], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(/^export class LiveMuxPlayer /m.test(bundle()), 'the bundle exports LiveMuxPlayer');
    assert.ok(!/^import /m.test(bundle()), 'the bundle imports nothing');
  });

  test('every module in player/ is in it, entry last', () => {
    const names = modules().map((m) => m.name);
    assert.deepEqual([...names].sort(), readdirSync(join(wwwroot, 'player')).filter((n) => n.endsWith('.js')).sort());
    assert.equal(names.at(-1), 'element.js');
  });

  test(`no module over ${MAX_MODULE_LINES} lines`, () => {
    for (const path of files(join(wwwroot, 'player'))) {
      const lines = readFileSync(path, 'utf8').split('\n').length - 1;
      assert.ok(lines <= MAX_MODULE_LINES, `${relative(wwwroot, path)}: ${lines} lines`);
    }
  });
});

// An absolute path of a build or dev machine: a home or work directory, /tmp, a file: URL or a drive letter.
const HOST_PATH = /(?<![\w.~-])\/(?:work|root|home|Users|tmp|mnt|var\/folders)\/|file:\/\/|\b[A-Za-z]:\\(?:Users|work|src|dev)\\/;

export function hostPaths(text) {
  return text.split('\n').flatMap((line, i) => (HOST_PATH.test(line) ? [`${i + 1}: ${line.trim()}`] : []));
}

describe('no host path in shipped files', () => {
  const FOUND = [
    '// see /work/shared/design/ARCHITECTURE.md',
    "fetch('/root/.config/x')",
    'src="file:///home/me/x.js"',
    'C:\\Users\\me\\livemux\\x.js',
    '  "/home/ci/build/wwwroot"',
    '/tmp/livemux-123/x',
  ];
  const NOT = [
    "new URL('/api/ws', location.href)",
    "'./player/element.js'",
    '<a href="/player.html?src=door">',
    'https://example.com/work/stuff', // a URL's path, not the host's
    'docs/architecture.md',
    'width: 100%; /* home */',
  ];
  for (const line of FOUND) test(`finds ${line}`, () => assert.equal(hostPaths(line).length, 1));
  for (const line of NOT) test(`ignores ${line}`, () => assert.deepEqual(hostPaths(line), []));

  test('wwwroot has none', () => {
    const found = files(wwwroot)
      .filter((p) => /\.(js|mjs|html|css|json|svg|txt|map|webmanifest)$/.test(p))
      .flatMap((p) => hostPaths(readFileSync(p, 'utf8')).map((hit) => `${relative(wwwroot, p)}:${hit}`));
    assert.deepEqual(found, []);
  });
});
