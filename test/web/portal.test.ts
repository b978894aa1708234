import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startTestWharf, type TestWharf } from '../support/wharf.ts';
import { runCommand } from '../../api/cli/commands/index.ts';
import { allAdvisories } from '../scan/support/advisories.ts';
import { nodeAppLayer } from '../scan/support/images.ts';
import { buildImageFromLayers } from '../scan/support/push.ts';
import { RegistryClient } from '../support/registry-client.ts';
import { HOSTILE_HISTORY_COMMAND, hostileMarkup, type PushedImage, pushSignedImage, uploadHostileChart } from './catalog-fixtures.ts';
import { ensurePortalBuild, launchChromium, openWatchedContext, saveScreenshot, skipUnlessChromium, type WatchedContext } from './browser.ts';

/** Robot description with markup that would run script if the portal rendered it as HTML. */
const HOSTILE_TEXT = hostileMarkup(1);
/** Artifact label with markup; labels allow any printable characters. */
const HOSTILE_LABEL = `<img src=x onerror=window.__injected=40>`;

async function graphqlAsAdmin<T>(wharf: TestWharf, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${wharf.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: wharf.adminAuth },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  assert.equal(body.errors, undefined, `GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/** Polls the scan summary of an artifact until its scan has finished, and returns the status. */
async function waitForScan(wharf: TestWharf, repository: string, reference: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const data = await graphqlAsAdmin<{ artifact: { scan: { status: string } } }>(
      wharf,
      `query($repository: String!, $reference: String!) { artifact(repository: $repository, reference: $reference) { scan { status } } }`,
      { repository, reference },
    );
    const status = data.artifact.scan.status;
    if (status === 'SUCCEEDED' || status === 'FAILED') return status;
    if (Date.now() > deadline) throw new Error(`scan of ${repository}:${reference} still ${status} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The main landmark's text, with white space collapsed. */
async function mainText(page: Page): Promise<string> {
  return ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
}

describe('portal in chromium', { skip: skipUnlessChromium() }, () => {
  let wharf: TestWharf;
  let browser: Browser;
  let visitor: WatchedContext;
  let admin: WatchedContext;
  let baseUrl: string;
  /** Host and port that pull commands name, such as localhost:41234. */
  let registryHost: string;
  let image: PushedImage;
  let advisoryDir: string | undefined;

  before(async () => {
    ensurePortalBuild();
    wharf = await startTestWharf();
    browser = await launchChromium();
    // The portal redirects to WHARF_EXTERNAL_URL after signing in and out, so the
    // browser opens that address (http://localhost:PORT) as a person would.
    baseUrl = wharf.services.config.externalUrl;
    visitor = await openWatchedContext(browser, baseUrl);
    admin = await openWatchedContext(browser, baseUrl);

    await graphqlAsAdmin(wharf, `mutation { createProject(input: { name: "vault", public: false }) { name } }`);
    await graphqlAsAdmin(wharf, `mutation { createUser(input: { username: "alice", password: "alice-password" }) { id } }`);

    registryHost = new URL(baseUrl).host;
    image = await pushSignedImage(wharf, 'library/app', '1.0');
    await pushSignedImage(wharf, 'vault/secret-app', '1.0');
    await graphqlAsAdmin(
      wharf,
      `mutation($label: String!) { addLabel(repository: "library/app", reference: "1.0", label: $label, color: "#aa3300") { digest } }`,
      { label: HOSTILE_LABEL },
    );
    await uploadHostileChart(wharf, 'library', 'web', `${registryHost}/library/app:1.0`);

    // An image with vulnerable npm packages (lodash 4.17.20, minimist 0.0.8), scanned
    // against advisories imported the way `npm run wharf -- vulndb import` does.
    advisoryDir = await mkdtemp(path.join(tmpdir(), 'wharf-portal-osv-'));
    await writeFile(path.join(advisoryDir, 'advisories.json'), JSON.stringify(allAdvisories));
    await runCommand(['vulndb', 'import', advisoryDir], wharf.services);
    const shop = await buildImageFromLayers([nodeAppLayer()]);
    await new RegistryClient(wharf.url, wharf.adminAuth).pushImage('library/shop', shop, '1.0');
    await graphqlAsAdmin(wharf, `mutation { scanArtifact(repository: "library/shop", reference: "1.0") { status } }`);
    assert.equal(await waitForScan(wharf, 'library/shop', '1.0'), 'SUCCEEDED');
  });

  after(async () => {
    await browser?.close();
    await wharf?.close();
    if (advisoryDir) await rm(advisoryDir, { recursive: true, force: true });
  });

  test('anonymous visitor sees public projects only', async () => {
    const { page } = visitor;
    await page.goto('/');
    await page.waitForURL('**/projects');
    await page.getByRole('link', { name: 'library', exact: true }).waitFor();
    const text = await mainText(page);
    assert.match(text, /Public/);
    assert.doesNotMatch(text, /vault/);
    await saveScreenshot(page, 'projects-anonymous');

    await page.goto('/projects/vault');
    assert.match(await mainText(page), /Page not found/);
  });

  test('search projects by name', async () => {
    const { page } = visitor;
    await page.goto('/projects');
    await page.getByRole('searchbox', { name: 'Filter projects by name' }).fill('LIB');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/projects?q=LIB');
    await page.getByRole('link', { name: 'library', exact: true }).waitFor();
    assert.equal(await page.locator('main tbody tr').count(), 1);

    // A private project stays hidden from a visitor, also when searched for by name.
    await page.goto('/projects?q=vau');
    await page.getByRole('heading', { name: 'No project matches “vau”' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'vault', exact: true }).count(), 0);
  });

  test('anonymous visitor browses library', async () => {
    const { page } = visitor;
    await page.goto('/projects/library');
    await page.getByRole('heading', { name: 'Repositories', exact: true }).waitFor();
    const tabs = await page.getByRole('navigation', { name: 'Project sections' }).textContent();
    assert.match(tabs ?? '', /Charts/);
    assert.doesNotMatch(tabs ?? '', /Members|Settings/);
    await saveScreenshot(page, 'project-library-anonymous');
  });

  test('skip link comes first for keyboard users', async () => {
    const { page } = visitor;
    await page.goto('/projects');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
  });

  test('sign in as admin with the keyboard', async () => {
    const { page } = admin;
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    const errorCount = admin.errors.length;
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'username or password is wrong' }).waitFor();
    // Chromium logs the 401 of the rejected sign-in as a console error. That one is
    // expected, so it is taken off the list that the last test checks.
    const rejected = admin.errors.splice(errorCount);
    assert.equal(rejected.length, 1, `console errors: ${rejected.join('; ')}`);
    assert.match(rejected[0] ?? '', /status of 401/);
    await saveScreenshot(page, 'sign-in-failed');

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/projects');
    await page.getByText('Signed in as').waitFor();
    assert.match((await page.locator('header').textContent()) ?? '', /Signed in as admin/);
    // Administrators see private projects too.
    await page.getByRole('link', { name: 'vault', exact: true }).waitFor();
  });

  test('session cookie holds no password', async () => {
    const cookies = await admin.context.cookies();
    const session = cookies.find((cookie) => cookie.name.endsWith('next-auth.session-token'));
    assert.ok(session, `no session cookie among ${cookies.map((cookie) => cookie.name).join(', ')}`);
    assert.equal(session.httpOnly, true);
    assert.ok(!session.value.includes(ADMIN_PASSWORD));
    assert.ok(!Buffer.from(session.value, 'base64url').toString('latin1').includes(ADMIN_PASSWORD));
  });

  test('admin searches private projects', async () => {
    const { page } = admin;
    await page.goto('/projects?q=VAU');
    await page.getByRole('link', { name: 'vault', exact: true }).waitFor();
    assert.equal(await page.locator('main tbody tr').count(), 1);
    await saveScreenshot(page, 'projects-search');
  });

  test('open an image', async () => {
    const { page } = admin;
    await page.goto('/projects/library');
    await page.getByRole('link', { name: 'library/app', exact: true }).click();
    await page.waitForURL('**/projects/library/repositories/app');
    const card = page.getByRole('article', { name: image.digest.slice(0, 'sha256:'.length + 12) });
    await card.waitFor();
    const cardText = (await card.textContent()) ?? '';
    assert.match(cardText, /Signed/);
    assert.match(cardText, /Not scanned/);
    assert.ok(cardText.includes(HOSTILE_LABEL), `label not shown as text in: ${cardText}`);
    assert.equal(await card.locator('img, script').count(), 0);
    assert.equal(await card.getByLabel('Pull 1.0').inputValue(), `podman pull ${registryHost}/library/app:1.0`);
    // The signature is an artifact of the repository too.
    await page.getByRole('article').filter({ hasText: 'Signature' }).waitFor();
    await saveScreenshot(page, 'repository');

    await card.getByRole('link', { name: image.digest.slice(0, 19) }).click();
    await page.waitForURL(`**/artifacts/${encodeURIComponent(image.digest)}?repository=library%2Fapp`);
    await page.getByRole('heading', { name: 'Layers' }).waitFor();
    const main = await mainText(page);
    assert.ok(main.includes(image.digest), 'artifact page shows no full digest');
    assert.equal(await page.locator('section[aria-labelledby="artifact-layers"] ol > li').count(), image.layerCount);
    assert.match(main, /Referrers.*Signature/);
    assert.match(main, /Not scanned yet/);
    const manifest = (await page.getByLabel('Manifest JSON').textContent()) ?? '';
    assert.ok(manifest.includes('\n  "schemaVersion": 2,'), `manifest not pretty-printed: ${manifest.slice(0, 200)}`);
    assert.ok(manifest.includes(`"digest": "${image.configDigest}"`), 'manifest does not name the config');
    const config = (await page.getByLabel('Configuration JSON').textContent()) ?? '';
    assert.ok(config.includes('\n  "architecture": "amd64",'), `config not pretty-printed: ${config.slice(0, 200)}`);
    const history = page.locator('section[aria-labelledby="artifact-history"]');
    const rows = history.locator('tbody tr');
    assert.equal(await rows.count(), 3);
    assert.match((await rows.nth(0).textContent()) ?? '', /ADD app\/file-0\.txt \/app\/.*first layer.*Layer/);
    assert.match((await rows.nth(1).textContent()) ?? '', /ENV MODE=test.*No layer/);
    assert.ok(((await rows.nth(2).textContent()) ?? '').includes(HOSTILE_HISTORY_COMMAND), 'history command not shown as text');
    assert.equal(await history.locator('img, script, b').count(), 0);
    assert.equal(await page.evaluate('window.__injected'), undefined);
    await saveScreenshot(page, 'artifact');

    await page.getByRole('button', { name: 'Scan now' }).click();
    await page.getByRole('status').filter({ hasText: /^Scan (queued|running|succeeded|failed)\./ }).waitFor();
    const status = await waitForScan(wharf, 'library/app', '1.0');
    // The layers hold no package database, so the scanner finds no packages and no vulnerabilities.
    assert.equal(status, 'SUCCEEDED');
    await page.reload();
    await page.getByRole('heading', { name: 'No known vulnerabilities' }).waitFor();
    assert.match(await mainText(page), /0 packages/);
    await saveScreenshot(page, 'artifact-scanned');
  });

  test('vulnerabilities filter by severity', async () => {
    const { page } = admin;
    await page.goto('/projects/library/artifacts/1.0?repository=library%2Fshop');
    const table = page.getByRole('table', { name: 'Vulnerabilities' });
    await table.waitFor();
    const lodash = table.getByRole('row').filter({ hasText: 'lodash' });
    assert.match((await lodash.textContent()) ?? '', /GHSA-35jh-r3h4-6jhm.*CVE-2021-23337.*High.*4\.17\.20.*4\.17\.21/);
    const minimist = table.getByRole('row').filter({ hasText: 'minimist' });
    assert.match((await minimist.textContent()) ?? '', /0\.0\.8.*0\.2\.4/);
    await saveScreenshot(page, 'artifact-vulnerabilities');

    const filters = page.getByRole('navigation', { name: 'Filter by severity' });
    await filters.getByRole('link', { name: /^high/ }).click();
    await page.waitForURL(/severity=high/);
    const rows = table.getByRole('row');
    const severities = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    assert.ok(severities.length > 0, 'the high filter shows no rows');
    assert.deepEqual([...new Set(severities)], ['High']);
    assert.equal(await rows.filter({ hasText: 'minimist' }).count(), 0);
    assert.equal(await rows.filter({ hasText: 'lodash' }).count(), 1);

    await filters.getByRole('link', { name: /^low/ }).click();
    await page.waitForURL(/severity=low/);
    await page.getByRole('heading', { name: 'No low vulnerabilities' }).waitFor();
  });

  test('open a chart', async () => {
    const { page } = admin;
    await page.goto('/projects/library/charts');
    await page.getByRole('link', { name: 'web', exact: true }).click();
    await page.waitForURL('**/projects/library/charts/web');
    await page.getByRole('heading', { name: 'README' }).waitFor();

    assert.equal(await page.getByLabel('Add the repository').inputValue(), `helm repo add library ${baseUrl}/chartrepo/library`);
    assert.equal(await page.getByRole('textbox', { name: 'Install', exact: true }).inputValue(), 'helm install web library/web --version 1.0.0');
    assert.equal(await page.getByLabel('Pull over OCI').inputValue(), `helm pull oci://${registryHost}/library/web --version 1.0.0`);

    // Markdown becomes HTML, but the markup in it does not.
    const readme = page.locator('.markdown');
    await readme.getByRole('heading', { name: 'Web chart', level: 4 }).waitFor();
    assert.equal(await readme.locator('table').count(), 1);
    assert.equal(await readme.locator('strong').filter({ hasText: 'static' }).count(), 1);
    assert.equal(await page.locator('main img, main script, main b').count(), 0);
    const link = readme.getByText('a script link');
    assert.doesNotMatch((await link.getAttribute('href')) ?? '', /javascript:/i);

    // Chart.yaml text is shown as text.
    assert.ok(((await page.locator('.chart-description').textContent()) ?? '').includes('<img src=x onerror='));
    assert.match(await mainText(page), /<i>shiny<\/i>/);

    const images = page.locator('section[aria-labelledby="chart-images"]');
    // The image test above scanned library/app:1.0.
    assert.match((await images.textContent()) ?? '', new RegExp(`${registryHost}/library/app:1\\.0 open No known vulnerabilities`));
    assert.equal(await page.evaluate('window.__injected'), undefined);
    await saveScreenshot(page, 'chart');

    await images.getByRole('link', { name: 'open' }).click();
    await page.waitForURL('**/artifacts/1.0?repository=library%2Fapp');
    assert.ok((await mainText(page)).includes(image.digest));
  });

  test('search from the header with the keyboard', async () => {
    const { page } = admin;
    await page.goto('/projects');
    await page.getByRole('searchbox', { name: 'Search images and charts' }).focus();
    await page.keyboard.type('app');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/search?q=app');
    const results = page.getByRole('list', { name: 'Search results' });
    const text = (await results.textContent()) ?? '';
    assert.match(text, /Repository library\/app/);
    assert.match(text, /Repository vault\/secret-app/);
    await saveScreenshot(page, 'search');

    // Tags match by tag name; the project facet narrows them to one project.
    await page.goto('/search?q=1.0');
    const tags = (await results.textContent()) ?? '';
    assert.match(tags, /Tag library\/app:1\.0/);
    assert.match(tags, /Tag vault\/secret-app:1\.0/);
    await page.getByRole('navigation', { name: 'Filter by project' }).getByRole('link', { name: /^library/ }).click();
    await page.waitForURL('**/search?q=1.0&project=library');
    const libraryOnly = (await results.textContent()) ?? '';
    assert.match(libraryOnly, /Tag library\/app:1\.0/);
    assert.doesNotMatch(libraryOnly, /vault/);

    // A chart keyword finds the chart, and the type facet keeps only charts.
    await page.goto('/search?q=webserver');
    await page.getByRole('navigation', { name: 'Filter by type' }).getByRole('link', { name: /^Charts/ }).click();
    await page.waitForURL('**/search?q=webserver&type=CHART');
    assert.match((await results.textContent()) ?? '', /Chart library\/web · keyword webserver/);
    await results.getByRole('link', { name: 'library/web' }).click();
    await page.waitForURL('**/projects/library/charts/web');
  });

  test('anonymous search hides private projects', async () => {
    const { page } = visitor;
    await page.goto('/search?q=app');
    const text = (await page.getByRole('list', { name: 'Search results' }).textContent()) ?? '';
    assert.match(text, /library\/app/);
    assert.doesNotMatch(text, /vault/);
  });

  test('create a project', async () => {
    const { page } = admin;
    await page.goto('/projects');
    await page.getByRole('link', { name: 'New project' }).click();
    await page.waitForURL('**/projects/new');
    await page.getByLabel('Name', { exact: true }).fill('web-team');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL('**/projects/web-team');
    await page.getByRole('heading', { name: 'web-team' }).waitFor();
    assert.match(await mainText(page), /Private/);
    assert.match(await mainText(page), /Project admin/);
    await saveScreenshot(page, 'project-web-team');
  });

  test('taken project name shows the reason', async () => {
    const { page } = admin;
    await page.goto('/projects/new');
    await page.getByLabel('Name', { exact: true }).fill('library');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('alert').filter({ hasText: 'project "library" already exists' }).waitFor();
    assert.match(page.url(), /\/projects\/new$/);
  });

  test('add a member and change its role', async () => {
    const { page } = admin;
    await page.goto('/projects/web-team/members');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Role', { exact: true }).selectOption('developer');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('status').filter({ hasText: 'Added alice.' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'alice' });
    assert.equal(await row.getByRole('combobox', { name: 'Role of alice' }).inputValue(), 'developer');

    await row.getByRole('combobox', { name: 'Role of alice' }).selectOption('guest');
    await row.getByRole('button', { name: 'Change role of alice' }).click();
    await row.getByRole('status').filter({ hasText: 'Role changed.' }).waitFor();
    const data = await graphqlAsAdmin<{ project: { members: { username: string; role: string }[] } }>(
      wharf,
      `{ project(name: "web-team") { members { username role } } }`,
    );
    assert.deepEqual(
      data.project.members.find((member) => member.username === 'alice'),
      { username: 'alice', role: 'guest' },
    );
    await saveScreenshot(page, 'project-members');
  });

  test('remove a member', async () => {
    const { page } = admin;
    await graphqlAsAdmin(wharf, `mutation { createUser(input: { username: "bob", password: "bob-password" }) { id } }`);
    await graphqlAsAdmin(wharf, `mutation { addProjectMember(project: "web-team", username: "bob", role: guest) { username } }`);
    await page.goto('/projects/web-team/members');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remove bob' }).click();
    await page.getByRole('row').filter({ hasText: 'bob' }).waitFor({ state: 'detached' });
  });

  test('robot secret is shown once', async () => {
    const { page } = admin;
    await page.goto('/projects/web-team/robots');
    await page.getByLabel('Name', { exact: true }).fill('ci');
    await page.getByLabel('Description').fill(HOSTILE_TEXT);
    await page.getByLabel('Push images').check();
    await page.getByRole('button', { name: 'Create robot account' }).click();

    const box = page.locator('.secret-box');
    await box.waitFor();
    const robotName = await box.getByLabel('Robot name').inputValue();
    const secret = await box.getByLabel('Secret').inputValue();
    assert.equal(robotName, 'robot$web-team+ci');
    assert.ok(secret.length >= 20, `secret "${secret}" looks too short`);
    await saveScreenshot(page, 'robot-created');

    const token = await fetch(`${wharf.url}/service/token?service=wharf&scope=repository:web-team/app:push`, {
      headers: { authorization: `Basic ${Buffer.from(`${robotName}:${secret}`).toString('base64')}` },
    });
    assert.equal(token.status, 200);

    await page.reload();
    await page.getByRole('row').filter({ hasText: 'robot$web-team+ci' }).waitFor();
    assert.equal(await page.locator('.secret-box').count(), 0);
    assert.ok(!(await page.content()).includes(secret), 'the secret is still in the page after a reload');
  });

  test('markup in user text is shown as text', async () => {
    const { page } = admin;
    const row = page.getByRole('row').filter({ hasText: 'robot$web-team+ci' });
    assert.match((await row.textContent()) ?? '', /<img src=x onerror=/);
    assert.equal(await row.locator('img, script, b').count(), 0);
    assert.equal(await page.evaluate('window.__injected'), undefined);
  });

  test('disable and delete a robot', async () => {
    const { page } = admin;
    const row = page.getByRole('row').filter({ hasText: 'robot$web-team+ci' });
    await row.getByRole('button', { name: 'Disable robot$web-team+ci' }).click();
    await row.getByText('Disabled', { exact: true }).waitFor();
    await saveScreenshot(page, 'project-robots');

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete robot$web-team+ci' }).click();
    await page.getByText('No robot accounts').waitFor();
  });

  test('audit log lists the changes', async () => {
    const { page } = admin;
    await page.goto('/projects/web-team/audit');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const text = await mainText(page);
    for (const action of ['project.create', 'member.add', 'member.update', 'robot.create', 'robot.delete']) {
      assert.match(text, new RegExp(action.replace('.', '\\.')), `audit log has no ${action}`);
    }
    await saveScreenshot(page, 'project-audit');
  });

  test('settings make the project public', async () => {
    const { page } = admin;
    await page.goto('/projects/web-team/settings');
    await page.getByLabel(/^Public/).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'now public' }).waitFor();
    await saveScreenshot(page, 'project-settings');

    await visitor.page.goto('/projects');
    await visitor.page.getByRole('link', { name: 'web-team', exact: true }).waitFor();
  });

  test('empty project shows empty states', async () => {
    const { page } = admin;
    for (const [path, title, screenshot] of [
      ['/projects/web-team', 'No repositories yet', 'repositories-empty'],
      ['/projects/web-team/charts', 'No charts yet', 'charts-empty'],
      ['/search?q=nothing-matches-this', 'Nothing matches “nothing-matches-this”', 'search-empty'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { name: title }).waitFor();
      await saveScreenshot(page, screenshot);
    }
    await page.goto('/projects/library?q=no-such-repository');
    await page.getByRole('heading', { name: 'No repository matches “no-such-repository”' }).waitFor();
    await page.goto('/projects/library/charts?q=webserver');
    await page.getByRole('link', { name: 'web', exact: true }).waitFor();

    await page.goto('/projects/web-team/quota');
    await page.getByRole('heading', { name: 'Quota and usage' }).waitFor();
    assert.match(await mainText(page), /0 B used \(no limit\)/);
    await saveScreenshot(page, 'quota');
  });

  test('administration lists users', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.waitForURL('**/admin/users');
    await page.getByRole('row').filter({ hasText: 'alice' }).waitFor();
    await saveScreenshot(page, 'admin-users');

    await page.getByRole('link', { name: 'System robot accounts' }).click();
    await page.getByRole('heading', { name: 'System robot accounts', exact: true }).waitFor();
    await saveScreenshot(page, 'admin-robots');

    await visitor.page.goto('/admin/users');
    assert.match(await mainText(visitor.page), /Sign in required/);
  });

  test('phone-sized window', async () => {
    const phone = await openWatchedContext(browser, baseUrl, { width: 390, height: 844 });
    const pages = [
      ['/projects/library', 'phone-project'],
      ['/projects/library/repositories/app', 'phone-repository'],
      [`/projects/library/artifacts/${encodeURIComponent(image.digest)}?repository=library%2Fapp`, 'phone-artifact'],
      ['/projects/library/charts/web', 'phone-chart'],
      ['/search?q=app', 'phone-search'],
    ] as const;
    for (const [path, screenshot] of pages) {
      await phone.page.goto(path);
      await phone.page.locator('main h1').first().waitFor();
      const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the window`);
      await saveScreenshot(phone.page, screenshot);
    }
    assert.deepEqual(phone.errors, []);
    await phone.context.close();
  });

  test('sign out revokes the session token', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await page.waitForURL('**/projects');
    assert.doesNotMatch(await mainText(page), /vault/);

    const data = await graphqlAsAdmin<{ me: { accessTokens: { name: string; revokedAt: string | null }[] } }>(
      wharf,
      `{ me { accessTokens { name revokedAt } } }`,
    );
    const sessions = data.me.accessTokens.filter((token) => token.name.startsWith('portal session'));
    assert.ok(sessions.length > 0, 'signing in created no access token');
    assert.deepEqual(
      sessions.filter((token) => token.revokedAt === null),
      [],
    );
  });

  test('no errors in the browser console', () => {
    assert.deepEqual([...visitor.errors, ...admin.errors], []);
  });
});
