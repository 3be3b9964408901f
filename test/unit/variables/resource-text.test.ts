import assert from 'node:assert/strict';
import { resourceText } from '../../../src/vscode/variables/resource-text';

describe('the kernel resources line', () => {
  it('says what the kernel reported, in one line', () => {
    assert.equal(
      resourceText({ kernelCpu: 12.4, kernelMemory: 150 * 1024 ** 2, cpuCount: 2, hostMemoryTotal: 23.4 * 1024 ** 3, hostMemoryAvailable: 3.1 * 1024 ** 3 }),
      'Kernel: CPU 12 %, memory 150 MB · host: 2 CPUs, 3.1 GB of 23.4 GB free',
    );
    assert.equal(resourceText({ kernelMemory: 3 * 1024 ** 3 }), 'Kernel: memory 3.0 GB');
    assert.equal(resourceText({ cpuCount: 1 }), 'host: 1 CPU');
  });

  it('says nothing when the kernel reported nothing', () => {
    assert.equal(resourceText(undefined), undefined);
    assert.equal(resourceText({}), undefined);
  });
});
