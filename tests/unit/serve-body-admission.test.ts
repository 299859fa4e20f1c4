import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyAdmission } from '../../resources/serving/src/body-admission';
import { Deadline } from '../../resources/serving/src/deadline';

const settled = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

test('bodies within the budget are admitted at once; beyond it they wait, in arrival order, until a release', async () => {
  const waiting: number[] = [];
  const admission = new BodyAdmission(1000, (n) => waiting.push(n));
  const a = await admission.acquire(600);
  const b = admission.acquire(600);
  const c = admission.acquire(100); // would fit, but must not overtake b
  assert.equal(await settled(b), false);
  assert.equal(await settled(c), false);
  assert.equal(admission.queued, 2);
  a();
  const releaseB = await b;
  const releaseC = await c;
  assert.equal(admission.queued, 0);
  assert.deepEqual(waiting, [1, 2, 0]);
  releaseB();
  releaseB(); // a second release is harmless and frees nothing twice
  const d = admission.acquire(900);
  assert.equal(await settled(d), true, '100 + 900 fits a budget of 1000');
  releaseC();
  (await d)();
});

test('a body larger than the whole budget is admitted when it is alone, so it is never refused by the budget', async () => {
  const admission = new BodyAdmission(1000);
  const big = await admission.acquire(5000);
  const next = admission.acquire(10);
  assert.equal(await settled(next), false);
  big();
  (await next)();
});

test('a waiting body whose deadline passes leaves with the deadline error and lets the ones behind it in', async () => {
  const admission = new BodyAdmission(1000);
  const first = await admission.acquire(800);
  const deadline = new Deadline(20, () => new Error('too late'));
  const late = admission.acquire(900, deadline);
  const small = admission.acquire(100);
  await assert.rejects(late, /too late/);
  assert.equal(await settled(small), true, 'the small body fits once the large waiter has gone');
  assert.equal(admission.queued, 0);
  first();
  (await small)();
  deadline.clear();
});

test('tryTake takes a fitting body at once, and never overtakes a body already waiting', async () => {
  const admission = new BodyAdmission(1000);
  const first = admission.tryTake(900);
  assert.ok(first, 'a body alone is admitted at once');
  const waiter = admission.acquire(600);
  assert.equal(admission.tryTake(50), null, 'a small body that would fit still waits behind the queued one');
  first();
  const later = await waiter;
  assert.ok(admission.tryTake(300), 'room left beside the admitted body');
  assert.equal(admission.tryTake(200), null, 'over the budget while others hold it');
  later();
});
