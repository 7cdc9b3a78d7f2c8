import { describe, expect, it } from 'vitest';
import { InvalidMetricsOptionError } from './errors.js';
import { LabelBounder } from './label-bounder.js';
import { proxyLabel } from './proxy-label.js';

describe('LabelBounder', () => {
  it('keeps the first maxValues distinct values, then answers other', () => {
    const bounder = new LabelBounder('labels.account', { maxValues: 2 });
    expect(['a', 'b', 'c', 'a', 'b', 'd'].map((value) => bounder.bound(value))).toEqual([
      'a',
      'b',
      'other',
      'a',
      'b',
      'other',
    ]);
    expect(bounder.size).toBe(2);
  });

  it('answers none without a value and other for a value longer than maxLength', () => {
    const bounder = new LabelBounder('labels.origin', { maxLength: 8 });
    expect(bounder.bound(undefined)).toBe('none');
    expect(bounder.bound('')).toBe('none');
    expect(bounder.bound('x'.repeat(9))).toBe('other');
    expect(bounder.size).toBe(0);
  });

  it('with an allow-list, keeps only its values', () => {
    const bounder = new LabelBounder('labels.account', { allow: ['acct-a'] });
    expect(bounder.bound('acct-a')).toBe('acct-a');
    expect(bounder.bound('acct-b')).toBe('other');
  });

  it('names the bad option', () => {
    expect(() => new LabelBounder('labels.proxy', { maxValues: 1.5 })).toThrow(InvalidMetricsOptionError);
    expect(() => new LabelBounder('labels.proxy', { maxValues: 1.5 })).toThrow('labels.proxy.maxValues');
  });
});

describe('proxyLabel', () => {
  it('keeps protocol, host and port of a proxy URL, never its credentials', () => {
    expect(proxyLabel('http://user:secret@10.0.0.1:3128/x?y=1')).toBe('http://10.0.0.1:3128');
    expect(proxyLabel('socks5://10.0.0.2:1080')).toBe('socks5://10.0.0.2:1080');
    expect(proxyLabel('proxy-eu-1')).toBe('proxy-eu-1');
    expect(proxyLabel('http://user:secret@[bad')).toBe('other');
  });
});
