import { describe, expect, it } from 'vitest';
import { personName } from './format.js';

describe('personName', () => {
  it('formats DICOM person names', () => {
    expect(personName('Phantom^Seed11')).toBe('Phantom, Seed11');
    expect(personName('HEAD^PLASTIC^^^')).toBe('HEAD, PLASTIC');
    expect(personName('Doe')).toBe('Doe');
    expect(personName('')).toBe('');
  });
});
