import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { securityChain, type SecurityRule } from '../src/fabric/security-rules.js';

/** A network security group's rules as nft chain bodies, checked by nft itself in check mode (no state changed). */
const scope = { virtualNetwork: ['10.40.0.0/16'] };

/** A rule as ARM returns it: the singular prefix or range only where the plural form is not given. */
function rule(overrides: Partial<SecurityRule>): SecurityRule {
  return {
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    ...(overrides.sourceAddressPrefixes ? {} : { sourceAddressPrefix: '*' }),
    ...(overrides.destinationAddressPrefixes ? {} : { destinationAddressPrefix: '*' }),
    ...(overrides.destinationPortRanges ? {} : { destinationPortRange: '*' }),
    ...overrides,
  };
}

function nftAccepts(lines: string[]): void {
  const table = ['table ip azlc_check {', '  chain nsg {', ...lines.map((l) => `    ${l}`), '  }', '}', ''];
  execFileSync('nft', ['-c', '-f', '-'], { input: table.join('\n') });
}

describe('network security group rules in the fabric', () => {
  it('orders the group rules by priority before the default rules, first match wins', () => {
    const chain = securityChain(
      [
        rule({
          priority: 200,
          access: 'Deny',
          sourceAddressPrefix: '10.40.2.0/24',
          destinationPortRange: '22',
        }),
        rule({
          priority: 110,
          sourceAddressPrefix: 'VirtualNetwork',
          destinationPortRanges: ['8000', '9000-9010'],
        }),
      ],
      'Inbound',
      scope,
    );
    expect(chain[0]).toBe('ip saddr { 10.40.0.0/16 } meta l4proto tcp th dport { 8000, 9000-9010 } return');
    expect(chain[1]).toBe('ip saddr { 10.40.2.0/24 } meta l4proto tcp th dport { 22 } drop');
    // Azure's defaults: VNet to VNet, the load balancer's probe source, then deny all.
    expect(chain.slice(2)).toEqual([
      'ip saddr { 10.40.0.0/16 } ip daddr { 10.40.0.0/16 } return',
      'ip saddr { 168.63.129.16 } return',
      'drop',
    ]);
    nftAccepts(chain);
  });

  it('leaves out a rule whose only addresses are service tags or IPv6 prefixes the fabric does not have', () => {
    const chain = securityChain(
      [
        rule({ priority: 100, access: 'Deny', sourceAddressPrefix: 'Storage' }),
        rule({ priority: 101, access: 'Deny', sourceAddressPrefixes: ['AzureCloud.westeurope', 'fd00::/8'] }),
        rule({ priority: 102, sourceAddressPrefixes: ['Sql', '10.40.3.0/24'] }),
      ],
      'Inbound',
      scope,
    );
    expect(chain[0]).toBe('ip saddr { 10.40.3.0/24 } meta l4proto tcp return');
    expect(chain.filter((line) => line.includes('Storage') || line.includes('fd00'))).toEqual([]);
    expect(chain).toHaveLength(4);
    nftAccepts(chain);
  });

  it('reads Internet as everything outside the VNet and its peers', () => {
    const chain = securityChain(
      [rule({ direction: 'Outbound', access: 'Deny', destinationAddressPrefix: 'Internet', protocol: '*' })],
      'Outbound',
      scope,
    );
    expect(chain[0]).toBe('ip daddr != { 10.40.0.0/16 } drop');
    nftAccepts(chain);
  });
});
