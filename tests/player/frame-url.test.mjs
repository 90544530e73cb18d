// frameUrl (player/session.js): the snapshot URL the player uses as its poster.

import assert from 'node:assert/strict';
import { test } from 'node:test';

globalThis.location = new URL('https://cams.example.com:8443/player.html?src=x');
const { frameUrl, posterUrl } = await import('../../src/LiveMux.Server/wwwroot/player/session.js');

test('on this page\'s origin, width rounded up to a multiple of 160', () => {
  assert.equal(frameUrl(null, 'cam 1', null, 333), 'https://cams.example.com:8443/api/frame.jpeg?src=cam+1&width=480');
});

test('no width before layout; the token when there is one', () => {
  assert.equal(frameUrl(null, 'cam', 'v1.abc', 0), 'https://cams.example.com:8443/api/frame.jpeg?src=cam&token=v1.abc');
});

test('bounded to the server\'s 160..4096 and under a server base with a path prefix', () => {
  assert.equal(frameUrl('https://proxy.example.com/livemux', 'cam', null, 9999), 'https://proxy.example.com/livemux/api/frame.jpeg?src=cam&width=4096');
  assert.equal(frameUrl('https://proxy.example.com/livemux/', 'cam', null, 1), 'https://proxy.example.com/livemux/api/frame.jpeg?src=cam&width=160');
});

test('the poster attribute: snapshot is the current picture, a URL is itself, none is none', () => {
  assert.equal(posterUrl('snapshot', null, 'cam', null, 640), 'https://cams.example.com:8443/api/frame.jpeg?src=cam&width=640');
  assert.equal(posterUrl('/img/cam.png', null, 'cam', null, 640), '/img/cam.png');
  assert.equal(posterUrl(null, null, 'cam', null, 640), '');
});
