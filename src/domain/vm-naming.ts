/**
 * VM names: deterministic and readable.
 *
 *   <application>-<environment>-<stack>-<os>-<sequence>
 *   e.g. shop-production-java-ubuntu-2204-007
 *
 * - `os` is the OS version lowercased with dots dropped and anything else
 *   that is not a letter or digit turned into a dash (`ubuntu-22.04` →
 *   `ubuntu-2204`), so that a name is a valid hostname label and Chef node name.
 * - `sequence` counts per prefix (everything before it), starts at 1, is
 *   zero-padded to 3 digits and simply grows past 999.
 * - The store keeps one counter per prefix *string* that only ever goes up,
 *   and the name is the VMs table's primary key: a name is never handed to a
 *   second VM, even after a failed or deleted one, and two (application,
 *   environment) pairs whose prefixes happen to spell the same string share
 *   one counter instead of colliding.
 */

/** Hostname labels are at most 63 characters. */
export const MAX_VM_NAME_LENGTH = 63;
/** Room kept for `-` and a sequence of up to 6 digits. */
const SEQUENCE_ROOM = 7;

export interface VmNameParts {
  application: string;
  environment: string;
  stack: string;
  osVersion: string;
}

export function osLabel(osVersion: string): string {
  return osVersion
    .toLowerCase()
    .replaceAll('.', '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function vmNamePrefix(parts: VmNameParts): string {
  return [parts.application, parts.environment, parts.stack, osLabel(parts.osVersion)].join('-');
}

export function vmName(prefix: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new Error(`VM sequence must be a positive integer, got ${sequence}`);
  return `${prefix}-${String(sequence).padStart(3, '0')}`;
}

/** True when names built from these parts fit a hostname label. */
export function prefixFits(parts: VmNameParts): boolean {
  return vmNamePrefix(parts).length + SEQUENCE_ROOM <= MAX_VM_NAME_LENGTH;
}

/** The `count` names after `lastSequence` (the counter's value before allocation). */
export function nextVmNames(prefix: string, lastSequence: number, count: number): { name: string; sequence: number }[] {
  return Array.from({ length: count }, (_, i) => {
    const sequence = lastSequence + i + 1;
    return { name: vmName(prefix, sequence), sequence };
  });
}
