import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientIp } from './client-ip.ts';

const direct = { trustProxy: false, truncate: false };
const proxied = { trustProxy: true, truncate: false };
const truncated = { trustProxy: false, truncate: true };

describe('clientIp', () => {
  it('takes the socket address, or the left-most forwarded one behind a trusted proxy', () => {
    assert.equal(clientIp('10.0.0.5', '203.0.113.9, 10.0.0.1', direct), '10.0.0.5');
    assert.equal(clientIp('10.0.0.5', '203.0.113.9, 10.0.0.1', proxied), '203.0.113.9');
    assert.equal(clientIp('10.0.0.5', ' , 198.51.100.7', proxied), '198.51.100.7');
    assert.equal(clientIp('10.0.0.5', '', proxied), '10.0.0.5');
    assert.equal(clientIp('10.0.0.5', undefined, proxied), '10.0.0.5');
    assert.equal(clientIp(undefined, undefined, direct), null);
  });

  it('drops ports, brackets and zones that proxies and sockets add', () => {
    assert.equal(clientIp('10.0.0.5', '203.0.113.9:4711', proxied), '203.0.113.9');
    assert.equal(clientIp('10.0.0.5', '[2001:db8::1]:443', proxied), '2001:db8::1');
    assert.equal(clientIp('fe80::1%eth0', undefined, direct), 'fe80::1');
  });

  it('reads IPv4-mapped IPv6 addresses as IPv4', () => {
    assert.equal(clientIp('::ffff:203.0.113.9', undefined, direct), '203.0.113.9');
    assert.equal(clientIp('::FFFF:cb00:7109', undefined, direct), '203.0.113.9');
    assert.equal(clientIp('0:0:0:0:0:ffff:203.0.113.9', undefined, truncated), '203.0.113.0');
  });

  it('writes IPv6 in the canonical compressed form', () => {
    assert.equal(clientIp('2001:0DB8:0000:0000:0000:ff00:0042:8329', undefined, direct), '2001:db8::ff00:42:8329');
    assert.equal(clientIp('2001:db8:0:1:1:1:1:1', undefined, direct), '2001:db8:0:1:1:1:1:1');
    assert.equal(clientIp('2001:0:0:1:0:0:0:1', undefined, direct), '2001:0:0:1::1');
    assert.equal(clientIp('2001:db8:0:0:1:0:0:1', undefined, direct), '2001:db8::1:0:0:1');
    assert.equal(clientIp('::', undefined, direct), '::');
    assert.equal(clientIp('::1', undefined, direct), '::1');
    assert.equal(clientIp('1::', undefined, direct), '1::');
    assert.equal(clientIp('64:ff9b::192.0.2.33', undefined, direct), '64:ff9b::c000:221');
  });

  it('agrees with the WHATWG URL parser on random IPv6 addresses', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 2_000; round++) {
      const groups = Array.from({ length: 8 }, () => (random() < 0.5 ? 0 : Math.floor(random() * 0x10000)));
      if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) continue;
      const text = groups.map((g) => g.toString(16).padStart(random() < 0.5 ? 4 : 1, '0')).join(':');
      const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
      assert.equal(clientIp(text, undefined, direct), canonical, text);
      assert.equal(clientIp(canonical, undefined, direct), canonical, canonical);
    }
  });

  it('truncates IPv4 to /24 and IPv6 to /48', () => {
    assert.equal(clientIp('203.0.113.9', undefined, truncated), '203.0.113.0');
    assert.equal(clientIp('2001:db8:85a3:8d3:1319:8a2e:370:7348', undefined, truncated), '2001:db8:85a3::');
    assert.equal(clientIp('2001:db8::8a2e:370:7334', undefined, truncated), '2001:db8::');
    assert.equal(clientIp('::1', undefined, truncated), '::');
    assert.equal(clientIp('1:2:3:4:5:6:7:8', undefined, truncated), '1:2:3::');
    assert.equal(clientIp('10.0.0.5', '2001:DB8:85A3::8A2E:370:7334', { trustProxy: true, truncate: true }), '2001:db8:85a3::');
  });

  it('returns null for anything that is not an IP address', () => {
    for (const bad of ['unknown', '', '203.0.113', '203.0.113.256', '01.2.3.4', '2001:db8::g', '1:2:3:4:5:6:7:8:9', 'example.com']) {
      assert.equal(clientIp('10.0.0.5', bad === '' ? 'x' : bad, proxied), null, bad);
      assert.equal(clientIp(bad, undefined, direct), null, bad);
    }
  });
});
