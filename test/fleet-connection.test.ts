import { describe, expect, it } from 'vitest';
import { isOuroError } from '../src/core/errors.ts';
import { FleetRedis, parseRedisUrl } from '../src/fleet/connection.ts';

describe('fleet connection', () => {
  it('parses Redis URLs into connection options and refuses other schemes', () => {
    expect(parseRedisUrl('redis://:secret@10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, password: 'secret', db: 2 });
    expect(parseRedisUrl('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(() => parseRedisUrl('http://x')).toThrow(/not a redis:\/\/ URL/);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/database number/);
  });

  it('fails within a few seconds, naming the URL, when nothing listens', async () => {
    const started = Date.now();
    const error = await FleetRedis.open('redis://127.0.0.1:1').catch((caught: unknown) => caught);
    expect(isOuroError(error) && error.code).toBe('fleet-unreachable');
    expect(String(error)).toContain('cannot reach Redis at redis://127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
