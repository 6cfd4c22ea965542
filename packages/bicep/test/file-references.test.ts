import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bicepFileReferences, bicepFileReferencesIn } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'azpn-bicep-refs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bicepFileReferencesIn', () => {
  it('finds using, module, import, extends and load* paths, skipping comments, registries and URLs', () => {
    const source = [
      "using './main.bicep'",
      "extends '../shared/base.bicepparam'",
      "import { subnet } from '../types.bicep'",
      "module net '../../outside/net.bicep' = { name: 'net' }",
      "module reg 'br/public:avm/res/network/vnet:0.1.0' = { name: 'r' }",
      "var script = loadTextContent('../../cloud/cloud.json')",
      "var pic = loadFileAsBase64( 'it\\'s.png' )",
      "// module old '../commented.bicep' = {}",
      "/* loadTextContent('/etc/shadow') */",
      "var url = 'https://example.test//path' // loadTextContent('../nope')",
    ].join('\n');
    const found = bicepFileReferencesIn('/w/infra/main.bicepparam', source).map((r) => r.resolved);
    expect(found.sort()).toEqual(
      [
        '/w/infra/main.bicep',
        '/w/shared/base.bicepparam',
        '/w/types.bicep',
        '/outside/net.bicep',
        '/cloud/cloud.json',
        "/w/infra/it's.png",
      ].sort(),
    );
  });
});

describe('bicepFileReferences', () => {
  it('follows the Bicep files a parameters file and its modules name', async () => {
    mkdirSync(join(root, 'infra', 'modules'), { recursive: true });
    writeFileSync(join(root, 'infra', 'main.bicepparam'), "using 'main.bicep'\n");
    writeFileSync(join(root, 'infra', 'main.bicep'), "module m 'modules/m.bicep' = { name: 'm' }\n");
    writeFileSync(
      join(root, 'infra', 'modules', 'm.bicep'),
      "var x = loadTextContent('../../../secret.txt')\n",
    );
    const found = await bicepFileReferences(join(root, 'infra', 'main.bicepparam'));
    expect(found.map((r) => r.resolved)).toEqual([
      join(root, 'infra', 'main.bicep'),
      join(root, 'infra', 'modules', 'm.bicep'),
      join(root, '..', 'secret.txt'),
    ]);
  });
});
