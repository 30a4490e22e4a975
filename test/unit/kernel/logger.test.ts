import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { chooseLogFormat, createLogger } from '../../../src/kernel/logger.js';

/** A destination that keeps what it was given. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('chooseLogFormat()', () => {
  it('auto writes human lines to a terminal and JSON to anything else', () => {
    assert.equal(chooseLogFormat('auto', true), 'pretty');
    assert.equal(chooseLogFormat('auto', false), 'json');
  });

  it('pretty and json are kept whatever the output is', () => {
    for (const tty of [true, false]) {
      assert.equal(chooseLogFormat('pretty', tty), 'pretty');
      assert.equal(chooseLogFormat('json', tty), 'json');
    }
  });
});

describe('createLogger()', () => {
  it('json writes one parseable object a line, secrets redacted', () => {
    const out = sink();
    const log = createLogger({ format: 'json', destination: out.stream, isTty: true });
    log.child({ module: 'sip' }).info({ port: 5060, password: 'Demo@2026' }, 'listening');
    const lines = out.text().trim().split('\n');
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(rec.msg, 'listening');
    assert.equal(rec.module, 'sip');
    assert.equal(rec.port, 5060);
    assert.equal(rec.level, 30);
    assert.equal(rec.password, '[redacted]');
  });

  it('auto on a non-terminal writes JSON', () => {
    const out = sink();
    createLogger({ format: 'auto', destination: out.stream, isTty: false }).warn('x');
    assert.equal((JSON.parse(out.text()) as { msg: string }).msg, 'x');
  });

  it('auto on a terminal writes one short human line: time, level, module, message, fields', () => {
    const out = sink();
    const log = createLogger({ format: 'auto', destination: out.stream, isTty: true });
    log.child({ module: 'sip' }).info({ port: 5060, password: 'Demo@2026' }, 'listening');
    // strip colours (a terminal gets them) to read the text
    assert.ok(out.text().includes('\x1b['), 'a terminal gets colour');
    const text = out.text().replace(/\x1b\[[0-9;]*m/g, '');
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 1, text);
    assert.match(
      lines[0]!,
      /^\[\d\d:\d\d:\d\d\] INFO: sip: listening \{"port":5060,"password":"\[redacted\]"\}$/,
    );
    assert.throws(() => JSON.parse(lines[0]!));
    assert.ok(!text.includes('Demo@2026'));
    assert.ok(!text.includes('"pid"'));
  });

  it('pretty to a non-terminal has no colour codes', () => {
    const out = sink();
    createLogger({ format: 'pretty', destination: out.stream, isTty: false }).error('boom');
    assert.match(out.text(), /^\[\d\d:\d\d:\d\d\] ERROR: boom\n$/);
  });

  it('respects the level', () => {
    const out = sink();
    const log = createLogger({ format: 'pretty', level: 'warn', destination: out.stream, isTty: false });
    log.info('hidden');
    log.warn('shown');
    assert.ok(!out.text().includes('hidden'));
    assert.ok(out.text().includes('shown'));
  });
});
