// A throwaway certificate authority and server certificates made by openssl inside a test.
// `openssl ca` is used (not `req -x509`) because OpenSSL 3.0 can set a start date only there:
// every certificate is valid from yesterday to twenty years ahead, so tests pass at any date and
// hour, under libfaketime's shifted clocks included.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DAY_MS as DAY } from '../../protocol/index.ts';

export interface TestCa {
  dir: string;
  /** the CA certificate (what agents put in caFile) */
  certFile: string;
  keyFile: string;
  configFile: string;
}

export interface ServerCert {
  certFile: string;
  keyFile: string;
}

/** openssl's GeneralizedTime, e.g. 20260101000000Z. */
const asn1 = (ms: number) => `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

function openssl(args: string[], cwd: string) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

function validity(v?: { from: number; to: number }): string[] {
  const now = Date.now();
  return ['-startdate', asn1(v?.from ?? now - DAY), '-enddate', asn1(v?.to ?? now + 20 * 365 * DAY)];
}

export function makeTestCa(dir: string, name = 'wardcast test CA'): TestCa {
  mkdirSync(path.join(dir, 'newcerts'), { recursive: true });
  writeFileSync(path.join(dir, 'index.txt'), '');
  writeFileSync(path.join(dir, 'serial'), '1000\n');
  const configFile = path.join(dir, 'ca.cnf');
  writeFileSync(
    configFile,
    [
      '[ca]',
      'default_ca = CA_default',
      '[CA_default]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/newcerts',
      'serial = $dir/serial',
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      'copy_extensions = none',
      '[policy_any]',
      'commonName = supplied',
      '[v3_ca]',
      'basicConstraints = critical,CA:true',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[v3_server]',
      'basicConstraints = CA:false',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = $ENV::WARDCAST_TEST_SAN',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const keyFile = path.join(dir, 'ca.key');
  const certFile = path.join(dir, 'ca.pem');
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile], dir);
  openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${name}`, '-out', 'ca.csr'], dir);
  execFileSync(
    'openssl',
    [
      'ca',
      '-batch',
      '-notext',
      '-config',
      configFile,
      '-selfsign',
      '-keyfile',
      keyFile,
      '-in',
      'ca.csr',
      '-out',
      certFile,
      '-extensions',
      'v3_ca',
      ...validity(),
    ],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WARDCAST_TEST_SAN: 'DNS:unused' },
    },
  );
  return { dir, certFile, keyFile, configFile };
}

/** A server certificate signed by `ca` for `hosts` (IP addresses and DNS names); `valid` in epoch ms to make a stale one. */
export function makeServerCert(
  ca: TestCa,
  name: string,
  hosts: string[] = ['127.0.0.1', 'localhost'],
  valid?: { from: number; to: number },
): ServerCert {
  const keyFile = path.join(ca.dir, `${name}.key`);
  const certFile = path.join(ca.dir, `${name}.pem`);
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile], ca.dir);
  openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${name}`, '-out', `${name}.csr`], ca.dir);
  execFileSync(
    'openssl',
    [
      'ca',
      '-batch',
      '-notext',
      '-config',
      ca.configFile,
      '-cert',
      ca.certFile,
      '-keyfile',
      ca.keyFile,
      '-in',
      `${name}.csr`,
      '-out',
      certFile,
      '-extensions',
      'v3_server',
      ...validity(valid),
    ],
    {
      cwd: ca.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WARDCAST_TEST_SAN: san },
    },
  );
  return { certFile, keyFile };
}
