// OSV advisories written by hand for the scanner tests. Ids, CVEs, package names
// and fixed versions are real; each comment names where they were checked.
// Fields the scanner does not read (details, references) are left out.

/** glibc gethostbyaddr DNS name check: fixed for Debian 12 in 2.36-9+deb12u14;
 * Debian 11 has no fix (postponed). Debian security tracker and osv.dev. */
export const debianGlibc = {
  schema_version: '1.7.0',
  id: 'DEBIAN-CVE-2026-4438',
  upstream: ['CVE-2026-4438'],
  modified: '2026-04-01T00:00:00Z',
  summary: 'glibc: gethostbyaddr may return an invalid DNS hostname',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N' }],
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'glibc' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u14' }] }],
    },
    {
      package: { ecosystem: 'Debian:11', name: 'glibc' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
    },
  ],
};

/** OpenSSL delta CRL NULL dereference: Debian 11 entry with no fix. osv.dev. */
export const debianOpensslBullseye = {
  id: 'DEBIAN-CVE-2026-28388',
  upstream: ['CVE-2026-28388'],
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
  affected: [
    {
      package: { ecosystem: 'Debian:11', name: 'openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
    },
  ],
};

/** BIND DNS message parsing CPU use: fixed in Alpine 3.16 in 9.16.48-r0. osv.dev. */
export const alpineBind = {
  id: 'ALPINE-CVE-2023-4408',
  upstream: ['CVE-2023-4408'],
  affected: [
    {
      package: { ecosystem: 'Alpine:v3.16', name: 'bind' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9.16.48-r0' }] }],
    },
  ],
};

/** lodash command injection in `template`: fixed in 4.17.21. GitHub advisory database. */
export const npmLodash = {
  id: 'GHSA-35jh-r3h4-6jhm',
  aliases: ['CVE-2021-23337'],
  summary: 'Command Injection in lodash',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'lodash' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
      database_specific: { source: 'https://github.com/github/advisory-database' },
    },
  ],
  database_specific: { severity: 'HIGH' },
};

/** minimist prototype pollution: fixed in 0.2.4 and 1.2.6. GitHub advisory database. */
export const npmMinimist = {
  id: 'GHSA-xvch-5gv4-984h',
  aliases: ['CVE-2021-44906'],
  summary: 'Prototype Pollution in minimist',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'minimist' },
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.2.4' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.2.6' }] },
      ],
    },
  ],
};

/** requests leaks Proxy-Authorization on redirects: 2.3.0 up to 2.31.0. GitHub advisory database. */
export const pypiRequests = {
  id: 'GHSA-j8r2-6x86-q33q',
  aliases: ['CVE-2023-32681', 'PYSEC-2023-74'],
  summary: 'Unintended leak of Proxy-Authorization header in requests',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N' }],
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'requests' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.3.0' }, { fixed: '2.31.0' }] }],
    },
  ],
};

/** golang.org/x/text language tag parsing DoS: fixed in 0.3.8. Go vulnerability database. */
export const goText = {
  id: 'GO-2022-1059',
  aliases: ['CVE-2022-32149', 'GHSA-69ch-w2m2-3vjp'],
  summary: 'Denial of service via crafted Accept-Language header in golang.org/x/text/language',
  affected: [
    {
      package: { ecosystem: 'Go', name: 'golang.org/x/text' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.3.8' }] }],
      ecosystem_specific: { imports: [{ path: 'golang.org/x/text/language' }] },
    },
  ],
};

export const allAdvisories = [
  debianGlibc,
  debianOpensslBullseye,
  alpineBind,
  npmLodash,
  npmMinimist,
  pypiRequests,
  goText,
];
