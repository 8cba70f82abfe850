import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { TenderError } from '@tender/core';

/**
 * Where webhooks may go (SSRF guard). A webhook URL must be http(s) and every
 * address its host resolves to must be public: not loopback, private, shared
 * (CGNAT), link-local, multicast, unspecified, reserved or documentation, for
 * IPv4 and IPv6, IPv4-mapped IPv6 included — unless the operator allows it in
 * `allow` (`TENDER_WEBHOOK_ALLOW`: host names, addresses or CIDRs).
 * {@link postWebhook} checks again at delivery inside the connection's own DNS
 * lookup, so the address checked is the address connected to (no DNS
 * rebinding between check and connect), follows no redirect, and bounds time
 * and response size.
 */

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (`::ffff:127.0.0.1`), else undefined. */
function embeddedIpv4(address: string): string | undefined {
  const m = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address.replace(/^::/, '0:'));
  if (m?.[1]) return m[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex?.[1] || !hex[2]) return undefined;
  const hi = Number.parseInt(hex[1], 16);
  const lo = Number.parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True when `address` (IPv4 or IPv6) is not a public unicast address. Pure. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** An operator's allow list: host names, addresses and CIDRs. */
export interface WebhookAllowList {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: BlockList;
}

/** Parses `TENDER_WEBHOOK_ALLOW` entries (`hooks.internal`, `127.0.0.1`, `10.0.0.0/8`, `::1`). */
export function webhookAllowList(entries: readonly string[]): WebhookAllowList {
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const [net, bits] = entry.split('/');
    const family = isIP(net ?? '');
    if (family === 0) hosts.add(entry);
    else if (bits === undefined) ranges.addAddress(net!, family === 4 ? 'ipv4' : 'ipv6');
    else ranges.addSubnet(net!, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return { hosts, ranges };
}

function allowedAddress(address: string, allow: WebhookAllowList): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (allow.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true;
  const v4 = family === 6 ? embeddedIpv4(address) : undefined;
  return v4 !== undefined && allow.ranges.check(v4, 'ipv4');
}

function forbidden(url: string, reason: string, address?: string): TenderError {
  return new TenderError('TENDER_WEBHOOK_URL_FORBIDDEN', `webhookUrl: ${reason}`, {
    details: { field: 'webhookUrl', reason, ...(address === undefined ? {} : { address }) },
  });
}

/** Resolves a host name to all its addresses (the system resolver by default). */
export type ResolveAll = (host: string) => Promise<LookupAddress[]>;

const systemResolve: ResolveAll = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** Parses the URL, refusing what is not http(s) (before any DNS). */
function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw forbidden(url, 'is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw forbidden(url, 'must be http or https');
  if (parsed.username || parsed.password) throw forbidden(url, 'must not carry credentials');
  return parsed;
}

const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Checks the addresses `host` resolves to: all must be public or allowed.
 * Returns them (the caller connects to one of these and nothing else).
 */
async function checkedAddresses(
  url: string,
  host: string,
  allow: WebhookAllowList,
  resolve: ResolveAll,
): Promise<LookupAddress[]> {
  if (allow.hosts.has(host)) return isIP(host) ? [{ address: host, family: isIP(host) }] : resolve(host);
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await resolve(host).catch(() => {
        throw forbidden(url, 'host does not resolve');
      });
  if (addresses.length === 0) throw forbidden(url, 'host does not resolve');
  for (const { address } of addresses) {
    if (isNonPublicAddress(address) && !allowedAddress(address, allow))
      throw forbidden(url, 'resolves to a non-public address', address);
  }
  return addresses;
}

/**
 * Refuses (TENDER_WEBHOOK_URL_FORBIDDEN, 400) a webhook URL that is not
 * http(s) or whose host resolves to a non-public address not in `allow`.
 * Used at submission; delivery checks again ({@link postWebhook}).
 */
export async function checkWebhookUrl(
  url: string,
  allow: readonly string[] | WebhookAllowList,
  resolve: ResolveAll = systemResolve,
): Promise<void> {
  const list = Array.isArray(allow) ? webhookAllowList(allow) : (allow as WebhookAllowList);
  const parsed = parseTarget(url);
  await checkedAddresses(url, bareHost(parsed), list, resolve);
}

/** What {@link postWebhook} sends and how far it goes. */
export interface PostWebhookOptions {
  headers: Record<string, string>;
  body: string;
  allow: readonly string[] | WebhookAllowList;
  /** Whole-request deadline, ms. */
  timeoutMs: number;
  /** Most response bytes read before the connection is dropped (default 64 KiB). */
  maxResponseBytes?: number;
  resolve?: ResolveAll;
}

/**
 * POSTs to a webhook URL with the SSRF guard of this file: the connection's
 * DNS lookup is the check (only checked addresses are connected to), no
 * redirect is followed (a 3xx is just the status), the whole exchange ends
 * within `timeoutMs`, and at most `maxResponseBytes` of the answer are read.
 * Resolves with the status code; rejects with TENDER_WEBHOOK_URL_FORBIDDEN or
 * a network/timeout error.
 */
export async function postWebhook(url: string, opts: PostWebhookOptions): Promise<number> {
  const allow = Array.isArray(opts.allow) ? webhookAllowList(opts.allow) : (opts.allow as WebhookAllowList);
  const parsed = parseTarget(url);
  const host = bareHost(parsed);
  const resolve = opts.resolve ?? systemResolve;
  // An IP literal never reaches `lookup`: check it here; names are checked inside the connection's lookup.
  if (isIP(host)) await checkedAddresses(url, host, allow, resolve);
  const lookup: LookupFunction = (hostname, options, callback) => {
    checkedAddresses(url, hostname.replace(/^\[|\]$/g, '').toLowerCase(), allow, resolve).then(
      (addresses) => {
        if ((options as { all?: boolean }).all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
  const maxBytes = opts.maxResponseBytes ?? 64 * 1024;
  return new Promise<number>((resolveStatus, reject) => {
    const signal = AbortSignal.timeout(opts.timeoutMs);
    const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      parsed,
      {
        method: 'POST',
        headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) },
        lookup,
        signal,
        agent: false,
      },
      (res) => {
        let seen = 0;
        const status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > maxBytes) {
            res.destroy();
            resolveStatus(status);
          }
        });
        res.on('end', () => resolveStatus(status));
        res.on('error', () => resolveStatus(status));
      },
    );
    req.on('error', (error) => {
      const cause = (error as { cause?: unknown }).cause;
      if (error.name === 'AbortError')
        reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
      else reject(cause instanceof TenderError ? cause : error);
    });
    req.end(opts.body);
  });
}
