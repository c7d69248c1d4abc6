// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  HostPortPair,
  type HostPortPairInput,
  InvalidHostPortPairError,
  InvalidIPAddressError,
  ReadableCIDR,
} from "../../../types.ts";
import { BackendAIError } from "../../../exception.ts";

Deno.test("HostPortPair.parse() splits a string at the last colon", () => {
  const hp = HostPortPair.parse("127.0.0.1:8080");
  assert.equal(hp.host, "127.0.0.1");
  assert.equal(hp.port, 8080);
  assert.equal(hp.address, "127.0.0.1:8080");
  assert.equal(hp.toString(), "127.0.0.1:8080");
  assert.equal(hp.isIPv6, false);
  const named = HostPortPair.parse("redis.example.com:6379");
  assert.equal(named.host, "redis.example.com");
  assert.equal(named.port, 6379);
});

Deno.test("HostPortPair.parse() strips IPv6 brackets; address has none, toString() adds them", () => {
  const hp = HostPortPair.parse("[::1]:2379");
  assert.equal(hp.host, "::1");
  assert.equal(hp.port, 2379);
  assert.equal(hp.address, "::1:2379");
  assert.equal(hp.toString(), "[::1]:2379");
  assert.equal(hp.isIPv6, true);
});

Deno.test("HostPortPair.parse() reads an unbracketed IPv6 host thanks to the last-colon split", () => {
  const hp = HostPortPair.parse("::1:2379");
  assert.equal(hp.host, "::1");
  assert.equal(hp.port, 2379);
  const full = HostPortPair.parse("2001:db8::1:443");
  assert.equal(full.host, "2001:db8::1");
  assert.equal(full.port, 443);
});

Deno.test("HostPortPair normalises IP literals as Python's ipaddress does", () => {
  const cases: [string, string][] = [
    ["[2001:DB8::0:1]:1", "2001:db8::1"],
    ["[0:0:0:0:0:0:0:1]:1", "::1"],
    ["[::0001]:1", "::1"],
    ["[1:0:0:1:0:0:0:1]:1", "1:0:0:1::1"],
    ["[1:0:1:0:1:0:1:0]:1", "1:0:1:0:1:0:1:0"],
    ["[1::]:1", "1::"],
    ["[::]:1", "::"],
    ["[::ffff:1.2.3.4]:1", "::ffff:1.2.3.4"],
    ["[::ffff:0102:0304]:1", "::ffff:1.2.3.4"],
    ["[64:ff9b::1.2.3.4]:1", "64:ff9b::102:304"],
    ["[fe80::1%eth0]:1", "fe80::1%eth0"],
    ["10.0.0.1:1", "10.0.0.1"],
  ];
  for (const [input, host] of cases) {
    assert.equal(HostPortPair.parse(input).host, host, input);
  }
});

Deno.test("HostPortPair keeps non-IP hosts as given, brackets and case included", () => {
  assert.equal(HostPortPair.parse("LocalHost:80").host, "LocalHost");
  assert.equal(HostPortPair.parse("[foo]:80").host, "[foo]");
  assert.equal(HostPortPair.parse("127.000.0.1:80").host, "127.000.0.1");
  assert.equal(
    HostPortPair.parse("[1:2:3:4:5:6:7:8:9]:80").host,
    "[1:2:3:4:5:6:7:8:9]",
  );
  assert.equal(HostPortPair.parse("[1::2::3]:80").host, "[1::2::3]");
  assert.equal(
    HostPortPair.parse("[1:2:3:4:5:6:7::8]:80").host,
    "[1:2:3:4:5:6:7::8]",
  );
});

Deno.test("HostPortPair allows an empty host, as upstream does", () => {
  const hp = HostPortPair.parse(":8080");
  assert.equal(hp.host, "");
  assert.equal(hp.address, ":8080");
});

Deno.test("HostPortPair.parse() accepts [host, port] and { host, port }", () => {
  const expected = new HostPortPair("etcd", 2379);
  assert.ok(HostPortPair.parse(["etcd", 2379]).equals(expected));
  assert.ok(HostPortPair.parse(["etcd", "2379"]).equals(expected));
  assert.ok(HostPortPair.parse({ host: "etcd", port: 2379 }).equals(expected));
  assert.ok(
    HostPortPair.parse({ host: "etcd", port: "2379" }).equals(expected),
  );
  const withExtra = {
    host: "etcd",
    port: 2379,
    tls: true,
  } as HostPortPairInput;
  assert.ok(HostPortPair.parse(withExtra).equals(expected));
  assert.ok(
    HostPortPair.parse(["[::1]", 1]).equals(new HostPortPair("::1", 1)),
  );
});

Deno.test("HostPortPair.parse() returns a HostPortPair input unchanged", () => {
  const hp = new HostPortPair("a", 1);
  assert.equal(HostPortPair.parse(hp), hp);
});

Deno.test("HostPortPair port text follows Python int(): whitespace, sign, zeros, underscores", () => {
  assert.equal(HostPortPair.parse("h: 80 ").port, 80);
  assert.equal(HostPortPair.parse("h:+80").port, 80);
  assert.equal(HostPortPair.parse("h:0080").port, 80);
  assert.equal(HostPortPair.parse("h:8_0").port, 80);
  assert.equal(HostPortPair.parse("h:1").port, 1);
  assert.equal(HostPortPair.parse("h:65535").port, 65535);
});

function assertPortError(input: HostPortPairInput, port: unknown): void {
  assert.throws(() => HostPortPair.parse(input), (err: unknown) => {
    assert.ok(err instanceof InvalidHostPortPairError);
    assert.ok(err instanceof BackendAIError);
    assert.equal(err.status, 400);
    assert.equal(err.data?.field, "port");
    assert.deepEqual(err.data?.value, port);
    return true;
  }, JSON.stringify(input));
}

Deno.test("HostPortPair rejects ports outside 1..65535 naming the port field", () => {
  assertPortError("h:0", "0");
  assertPortError("h:65536", "65536");
  assertPortError("h:-1", "-1");
  assertPortError(["h", 0], 0);
  assertPortError({ host: "h", port: 70000 }, 70000);
  assert.throws(() => new HostPortPair("h", 0), InvalidHostPortPairError);
  assert.throws(() => new HostPortPair("h", 65536), InvalidHostPortPairError);
});

Deno.test("HostPortPair rejects non-integer ports naming the port field", () => {
  assertPortError("h:", "");
  assertPortError("h:80.5", "80.5");
  assertPortError("h:http", "http");
  assertPortError("h:8__0", "8__0");
  assertPortError("h:0x50", "0x50");
  assertPortError("h:1e3", "1e3");
  assertPortError(["h", 80.5], 80.5);
  assertPortError(["h", Number.NaN], Number.NaN);
  assertPortError(["h", Infinity], Infinity);
  assertPortError(
    { host: "h", port: true } as unknown as HostPortPairInput,
    true,
  );
  assertPortError(
    { host: "h", port: null } as unknown as HostPortPairInput,
    null,
  );
  assert.throws(() => new HostPortPair("h", 1.5), InvalidHostPortPairError);
});

Deno.test("HostPortPair rejects inputs of the wrong shape", () => {
  const bad: unknown[] = [
    "localhost",
    "",
    ["h"],
    ["h", 1, 2],
    [],
    { host: "h" },
    { port: 1 },
    42,
    null,
    undefined,
  ];
  for (const input of bad) {
    assert.throws(
      () => HostPortPair.parse(input as HostPortPairInput),
      (err: unknown) => {
        assert.ok(err instanceof InvalidHostPortPairError);
        assert.equal(err.data?.field, "value");
        return true;
      },
      String(input),
    );
  }
});

Deno.test("HostPortPair rejects a non-string host naming the host field", () => {
  for (const input of [[1, 80], { host: null, port: 80 }]) {
    assert.throws(
      () => HostPortPair.parse(input as unknown as HostPortPairInput),
      (err: unknown) => {
        assert.ok(err instanceof InvalidHostPortPairError);
        assert.equal(err.data?.field, "host");
        return true;
      },
    );
  }
});

Deno.test("HostPortPair error messages quote the input", () => {
  assert.throws(() => HostPortPair.parse("redis:99999"), {
    message:
      'Cannot parse host-port pair "redis:99999": port 99999 is not between 1 and 65535',
  });
  assert.throws(() => HostPortPair.parse("redis"), {
    message: 'Cannot parse host-port pair "redis": expected both host and port',
  });
});

Deno.test("HostPortPair round-trips through address, toString() and toJSON()", () => {
  for (
    const text of [
      "10.0.0.1:1",
      "[::1]:2379",
      "[fe80::1%eth0]:80",
      "host.example:65535",
      ":9",
    ]
  ) {
    const hp = HostPortPair.parse(text);
    assert.ok(HostPortPair.parse(hp.address).equals(hp), `address of ${text}`);
    assert.ok(
      HostPortPair.parse(hp.toString()).equals(hp),
      `toString of ${text}`,
    );
    assert.ok(HostPortPair.parse(hp.toJSON()).equals(hp), `toJSON of ${text}`);
    assert.ok(
      HostPortPair.parse(JSON.parse(JSON.stringify(hp))).equals(hp),
      `JSON of ${text}`,
    );
  }
});

Deno.test("HostPortPair.toJSON() is { host, port } and equals() compares both", () => {
  const hp = HostPortPair.parse("[::1]:2379");
  assert.deepEqual(hp.toJSON(), { host: "::1", port: 2379 });
  assert.equal(
    JSON.stringify({ addr: hp }),
    '{"addr":{"host":"::1","port":2379}}',
  );
  assert.ok(!hp.equals(new HostPortPair("::1", 2380)));
  assert.ok(!hp.equals(new HostPortPair("::2", 2379)));
});

Deno.test("ReadableCIDR turns wildcards into CIDR: prefix is 8 times the first * index", () => {
  const cases: [string, string][] = [
    ["10.1.*.*", "10.1.0.0/16"],
    ["192.168.1.*", "192.168.1.0/24"],
    ["10.*.*.*", "10.0.0.0/8"],
    ["*.*.*.*", "0.0.0.0/0"],
    ["10.1.*.*/24", "10.1.0.0/24"],
    ["10.1.*.*/", "10.1.0.0/16"],
    ["172.16.*.*/12", "172.16.0.0/12"],
  ];
  for (const [input, expected] of cases) {
    const cidr = ReadableCIDR.parse(input);
    assert.equal(cidr.address, expected, input);
    assert.equal(cidr.isNetwork, true);
    assert.equal(String(cidr), expected);
    assert.equal(JSON.stringify(cidr), JSON.stringify(expected));
  }
});

Deno.test("ReadableCIDR normalises plain networks like Python's ip_network()", () => {
  const cases: [string, string][] = [
    ["192.168.0.0/16", "192.168.0.0/16"],
    ["192.168.0.1", "192.168.0.1/32"],
    ["10.0.0.0/255.0.0.0", "10.0.0.0/8"],
    ["10.0.0.0/0.0.0.255", "10.0.0.0/24"],
    ["10.0.0.0/016", "10.0.0.0/16"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["fe80::/10", "fe80::/10"],
    ["::1", "::1/128"],
    ["1:0:0:1:0:0:0:0/64", "1:0:0:1::/64"],
  ];
  for (const [input, expected] of cases) {
    assert.equal(new ReadableCIDR(input).address, expected, input);
  }
});

Deno.test("ReadableCIDR rejects invalid networks with InvalidIPAddressError", () => {
  for (
    const input of [
      "10.*.1.*", // becomes 10.0.1.0/8: host bits set
      "10.1.*", // three octets
      "10.1.*.300",
      "192.168.0.1/16",
      "10.0.0.0/33",
      "10.0.0.0/255.0.255.0",
      "10.0.0.0/ 8",
      "10.0.0.0/+8",
      "10.0.0.0/x",
      "fe80::1/10",
      "::/129",
      "fe80::*",
      "fe80::1%eth0/128",
      "not-an-ip",
      "",
    ]
  ) {
    assert.throws(() => ReadableCIDR.parse(input), (err: unknown) => {
      assert.ok(err instanceof InvalidIPAddressError);
      assert.equal(err.status, 400);
      assert.equal(err.data?.value, input);
      return true;
    }, input);
  }
});

Deno.test("ReadableCIDR with isNetwork: false parses one address", () => {
  const ip = ReadableCIDR.parse("10.0.0.1", { isNetwork: false });
  assert.equal(ip.address, "10.0.0.1");
  assert.equal(ip.isNetwork, false);
  assert.equal(
    ReadableCIDR.parse("::0001", { isNetwork: false }).address,
    "::1",
  );
  assert.throws(
    () => ReadableCIDR.parse("10.0.0.0/8", { isNetwork: false }),
    InvalidIPAddressError,
  );
  assert.throws(
    () => ReadableCIDR.parse("10.*.*.*", { isNetwork: false }),
    InvalidIPAddressError,
  );
});

Deno.test("ReadableCIDR.equals() compares the normalised value and kind", () => {
  assert.ok(
    ReadableCIDR.parse("10.*.*.*").equals(ReadableCIDR.parse("10.0.0.0/8")),
  );
  assert.ok(
    !ReadableCIDR.parse("10.*.*.*").equals(ReadableCIDR.parse("10.0.0.0/16")),
  );
  assert.ok(
    !ReadableCIDR.parse("10.0.0.1/32").equals(
      ReadableCIDR.parse("10.0.0.1", { isNetwork: false }),
    ),
  );
});

Deno.test("ReadableCIDR.contains() tells whether an address is in the network, as Python's `in`", () => {
  const v4 = ReadableCIDR.parse("10.1.*.*");
  assert.equal(v4.contains("10.1.0.0"), true);
  assert.equal(v4.contains("10.1.255.255"), true);
  assert.equal(v4.contains("10.2.0.0"), false);
  assert.equal(v4.contains("::ffff:10.1.2.3"), true, "an IPv4-mapped peer");
  assert.equal(v4.contains("fe80::1"), false, "another version");
  assert.equal(v4.contains("10.1.2"), false, "not an address");
  assert.equal(ReadableCIDR.parse("0.0.0.0/0").contains("203.0.113.9"), true);
  const host = ReadableCIDR.parse("192.168.0.7");
  assert.equal(host.contains("192.168.0.7"), true);
  assert.equal(host.contains("192.168.0.8"), false);
  const v6 = ReadableCIDR.parse("2001:db8::/32");
  assert.equal(v6.contains("2001:db8:1::5"), true);
  assert.equal(v6.contains("2001:db9::5"), false);
  assert.equal(v6.contains("10.0.0.1"), false);
  assert.equal(ReadableCIDR.parse("::/0").contains("::1"), true);
  const address = ReadableCIDR.parse("fe80::1", { isNetwork: false });
  assert.equal(address.contains("fe80::1"), true);
  assert.equal(address.contains("fe80::2"), false);
});
