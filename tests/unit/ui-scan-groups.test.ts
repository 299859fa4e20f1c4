import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScanReport } from '../../shared/schemas/scan';
import { scanGroups, whereText } from '../../renderer/screens/model/scan-groups';
import { parseShape } from '../../renderer/screens/model/shape-text';

function report(partial: Partial<ScanReport>): ScanReport {
  return {
    path: '/m/model.pkl', container: 'Python pickle', verdict: 'dangerous', summary: '', advice: '', scanned: ['model.pkl'],
    imports: [], calls: [], findings: [], bytesScanned: 10, scanMs: 1, ...partial,
  };
}

describe('the scan card groups findings for reading', () => {
  it('puts dangerous first, imports before other findings, and drops empty groups', () => {
    const groups = scanGroups(report({
      imports: [
        { module: 'numpy', name: 'dtype', verdict: 'safe', reason: 'data', count: 3, where: [{ member: null, offset: 4 }] },
        { module: '__main__', name: 'Net', verdict: 'unverified', reason: 'custom', count: 1, where: [{ member: null, offset: 9 }] },
        { module: 'posix', name: 'system', verdict: 'dangerous', reason: 'runs commands', count: 1, where: [{ member: null, offset: 55 }] },
      ],
      findings: [{ verdict: 'dangerous', title: 'A Lambda layer carries code', detail: 'marshal', where: null }],
    }));
    assert.deepEqual(groups.map((g) => g.verdict), ['dangerous', 'unverified', 'safe']);
    assert.deepEqual(groups[0].items.map((i) => [i.kind, i.name]), [['import', 'posix.system'], ['finding', 'A Lambda layer carries code']]);
    assert.deepEqual(scanGroups(report({ imports: [] })), []);
  });

  it('names computed imports instead of printing a fake module', () => {
    const [group] = scanGroups(report({ imports: [{ module: '<unresolved>', name: 'STACK_GLOBAL', verdict: 'unverified', reason: 'computed', count: 1, where: [] }] }));
    assert.equal(group.items[0].name, 'a computed import (STACK_GLOBAL)');
  });

  it('says where, with the member and byte offset, and how many more places there are', () => {
    const where = [{ member: 'archive/data.pkl', offset: 139 }, { member: null, offset: 1024 }, { member: 'x', offset: 1 }, { member: 'y', offset: 2 }];
    assert.equal(whereText(where.slice(0, 2), 2), 'archive/data.pkl, byte 139; the file, byte 1,024');
    assert.equal(whereText(where, 25), 'archive/data.pkl, byte 139; the file, byte 1,024; x, byte 1; and 22 more');
    assert.equal(whereText([], 0), '');
  });
});

describe('the example input shape field', () => {
  it('reads the ways people write shapes and refuses the rest', () => {
    assert.deepEqual(parseShape('1, 3, 224, 224'), [1, 3, 224, 224]);
    assert.deepEqual(parseShape('[1,4]'), [1, 4]);
    assert.deepEqual(parseShape('1x3x32x32'), [1, 3, 32, 32]);
    assert.equal(parseShape(''), null);
    assert.equal(parseShape('1, -3'), null);
    assert.equal(parseShape('batch, 4'), null);
    assert.equal(parseShape('1.5'), null);
  });
});
