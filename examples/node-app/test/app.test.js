'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { greet } = require('../src/app');

test('greets the world by default', () => {
  assert.strictEqual(greet(), 'hello, world\n');
});

test('greets by name', () => {
  assert.strictEqual(greet('node'), 'hello, node\n');
});
