import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './host-commands.js';

/** One package the mirror serves: its control fields, where it lies in the pool and its checksum. */
export interface MirrorPackage {
  name: string;
  version: string;
  architecture: string;
  /** The alternatives of each dependency (Pre-Depends and Depends), names only. */
  depends: string[][];
  provides: string[];
  /** Path below the mirror's root, as the index's Filename field gives it. */
  filename: string;
  file: string;
  sha256: string;
  size: number;
}

/** A package to unpack at boot, in order. */
export type PlannedPackage = Pick<MirrorPackage, 'name' | 'version' | 'filename' | 'sha256'>;

function field(control: string, name: string): string {
  const match = new RegExp(`^${name}: (.*)$`, 'm').exec(control);
  return match?.[1]?.trim() ?? '';
}

/** "a (>= 1), b:any | c" into [['a'], ['b', 'c']]. */
function relations(text: string): string[][] {
  if (text === '') return [];
  return text.split(',').map((group) =>
    group
      .split('|')
      .map((alternative) => alternative.trim().split(/[\s(:]/)[0]!)
      .filter(Boolean),
  );
}

/**
 * The Debian mirror of the simulated internet: the .deb files `npm run setup` downloaded (tools/mirror), served
 * under `/debian/pool/main/` with a `Packages` index for the host's release, which the instances' apt stage reads.
 */
export class PackageMirror {
  private constructor(
    /** The release codename the index is published for (the host's: instances boot the host's userland). */
    readonly suite: string,
    readonly packages: Map<string, MirrorPackage>,
  ) {}

  static async load(debDir: string): Promise<PackageMirror> {
    const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
    const suite = /^VERSION_CODENAME=(.*)$/m.exec(release)?.[1]?.replaceAll('"', '') || 'stable';
    const packages = new Map<string, MirrorPackage>();
    const files = (await readdir(debDir).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.deb'))
      .sort();
    for (const name of files) {
      const file = join(debDir, name);
      const control = await runCommand('dpkg-deb', ['-f', file]);
      const bytes = await readFile(file);
      const entry: MirrorPackage = {
        name: field(control, 'Package'),
        version: field(control, 'Version'),
        architecture: field(control, 'Architecture'),
        depends: [...relations(field(control, 'Pre-Depends')), ...relations(field(control, 'Depends'))],
        provides: relations(field(control, 'Provides')).flat(),
        filename: `pool/main/${name}`,
        file,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
      };
      packages.set(entry.name, entry);
    }
    return new PackageMirror(suite, packages);
  }

  /** Where the index lies below the mirror's root. */
  get indexPath(): string {
    return `dists/${this.suite}/main/binary-amd64/Packages`;
  }

  /** The Packages index, in Debian's format. */
  index(): string {
    return [...this.packages.values()]
      .map((p) =>
        [
          `Package: ${p.name}`,
          `Version: ${p.version}`,
          `Architecture: ${p.architecture}`,
          `Filename: ${p.filename}`,
          `Size: ${p.size}`,
          `SHA256: ${p.sha256}`,
          '',
        ].join('\n'),
      )
      .join('\n');
  }

  /**
   * The packages to unpack for `requested`, dependencies first, given what the image has; throws apt's sentence
   * for a package neither the image nor the mirror has.
   */
  plan(requested: string[], imageHas: (name: string) => boolean): PlannedPackage[] {
    const planned: MirrorPackage[] = [];
    const visiting = new Set<string>();
    const provider = (name: string) =>
      this.packages.get(name) ?? [...this.packages.values()].find((p) => p.provides.includes(name));
    const visit = (name: string, wantedBy?: string): void => {
      if (imageHas(name) || planned.some((p) => p.name === name || p.provides.includes(name))) return;
      const found = provider(name);
      if (found === undefined)
        throw new Error(
          wantedBy === undefined
            ? `E: Unable to locate package ${name}`
            : `E: Unable to satisfy dependency ${name} of ${wantedBy}`,
        );
      if (visiting.has(found.name)) return;
      visiting.add(found.name);
      for (const alternatives of found.depends) {
        if (alternatives.some((a) => imageHas(a) || planned.some((p) => p.name === a))) continue;
        const available = alternatives.find((a) => provider(a) !== undefined) ?? alternatives[0]!;
        visit(available, found.name);
      }
      planned.push(found);
    };
    for (const name of requested) visit(name);
    return planned.map(({ name, version, filename, sha256 }) => ({ name, version, filename, sha256 }));
  }
}

/** The packages installed on this host, with what they provide: the userland the instances boot. */
export async function hostPackages(): Promise<Set<string>> {
  const listed = await runCommand('dpkg-query', [
    '-W',
    '-f',
    '${db:Status-Abbrev} ${Package} ${Provides}\\n',
  ]);
  const names = new Set<string>();
  for (const line of listed.split('\n')) {
    if (!line.startsWith('ii')) continue;
    const [, name, ...provides] = line.trim().split(/\s+/);
    names.add(name!);
    for (const provided of relations(provides.join(' ')).flat()) names.add(provided);
  }
  return names;
}
