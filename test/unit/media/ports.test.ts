import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { PortAllocator } from '../../../src/media/ports.js';

describe('PortAllocator', () => {
  it('hands out even RTP ports inside the range, RTCP = RTP + 1 fits too', () => {
    const a = new PortAllocator(10001, 10010);
    const got = [a.allocate(), a.allocate(), a.allocate(), a.allocate()];
    assert.deepEqual(got, [10002, 10004, 10006, 10008]);
    for (const p of got) {
      assert.equal(p % 2, 0);
      assert.ok(p + 1 <= 10010);
    }
    assert.equal(a.capacity, 4);
  });

  it('throws SWB_MEDIA_PORTS_EXHAUSTED when the range is used up', () => {
    const a = new PortAllocator(20000, 20003);
    a.allocate();
    a.allocate();
    assert.throws(
      () => a.allocate(),
      (e) => isSwbError(e, 'SWB_MEDIA_PORTS_EXHAUSTED') && e.message.includes('20000-20003'),
    );
  });

  it('reuses released pairs, least recently released last', () => {
    const a = new PortAllocator(20000, 20005);
    const p1 = a.allocate();
    const p2 = a.allocate();
    const p3 = a.allocate();
    a.release(p2);
    a.release(p1);
    assert.equal(a.allocate(), p2);
    assert.equal(a.allocate(), p1);
    assert.throws(
      () => a.allocate(),
      (e) => isSwbError(e, 'SWB_MEDIA_PORTS_EXHAUSTED'),
    );
    a.release(p3);
    a.release(p3); // idempotent
    assert.equal(a.inUse, 2);
    assert.equal(a.allocate(), p3);
  });

  it('never hands out a quarantined pair again', () => {
    const a = new PortAllocator(20000, 20003);
    const p = a.allocate();
    a.quarantine(p);
    a.release(p);
    assert.notEqual(a.allocate(), p);
    assert.throws(
      () => a.allocate(),
      (e) => isSwbError(e, 'SWB_MEDIA_PORTS_EXHAUSTED'),
    );
  });

  it('survives many allocate/release cycles without growing', () => {
    const a = new PortAllocator(30000, 30099);
    for (let i = 0; i < 10_000; i++) a.release(a.allocate());
    assert.equal(a.capacity, 50);
    assert.equal(a.inUse, 0);
  });

  it('rejects a bad range with SWB_CONFIG_INVALID', () => {
    assert.throws(
      () => new PortAllocator(5000, 4000),
      (e) => isSwbError(e, 'SWB_CONFIG_INVALID'),
    );
    assert.throws(
      () => new PortAllocator(5001, 5001),
      (e) => isSwbError(e, 'SWB_CONFIG_INVALID'),
    );
    assert.throws(
      () => new PortAllocator(80, 5000),
      (e) => isSwbError(e, 'SWB_CONFIG_INVALID'),
    );
  });
});
