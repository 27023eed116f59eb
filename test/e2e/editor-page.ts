/**
 * One Node-RED started like `npm start` plus one chromium page on its editor, and the few editor
 * gestures the browser tests share. Selectors are Node-RED 4.1's own DOM ids and classes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser } from './browser';
import { startNodeRed, type RunningNodeRed } from './node-red-process';

export interface EditorSession {
  nr: RunningNodeRed;
  page: Page;
  close: () => Promise<void>;
}

/** Node-RED with the demo flow deployed, and the editor loaded with the demo's live status shown. */
export async function openEditor(): Promise<EditorSession> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const nr = await startNodeRed();
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await nr.stop();
    fs.rmSync(nr.userDir, { recursive: true, force: true });
  };
  try {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    await page.goto(nr.url);
    await page.waitForSelector('#red-ui-palette-container', { timeout: 60000 });
    await page.waitForSelector('.red-ui-flow-node-status-dot-green', { timeout: 30000 });
    return { nr, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The tray on top of the editor stack: a config node's dialog opens above its user's. */
export function topTray(page: Page): Locator {
  return page.locator('.red-ui-editor .red-ui-tray').last();
}

/** A workspace node's SVG group; an attribute selector, since generated ids may start with a digit. */
export function nodeOnWorkspace(page: Page, id: string): Locator {
  return page.locator(`[id="${id}"]`);
}

/** Open a workspace node's edit dialog the way a user does: double-click it. */
export async function editNode(page: Page, id: string, field: string): Promise<void> {
  await nodeOnWorkspace(page, id).locator('.red-ui-flow-node').dblclick();
  await page.waitForSelector(field, { state: 'visible', timeout: 10000 });
}

/** Press the dialog's help button and return the help sidebar once it shows `title`. */
export async function helpFor(page: Page, title: string): Promise<string> {
  await topTray(page).locator('.red-ui-tray-footer-left button:has(i.fa-book)').click();
  const stack = page.locator('.red-ui-sidebar-help-stack');
  await stack.locator('h1.red-ui-help-title', { hasText: title }).waitFor({ state: 'visible', timeout: 10000 });
  return stack.locator('div.red-ui-help div.red-ui-help').first().innerText();
}

/**
 * Cancel every open dialog, top first, until the workspace is back. A config node's dialog takes
 * its user's place in the DOM, so each step waits for the tray it cancelled to go.
 */
export async function cancelAll(page: Page): Promise<void> {
  for (let i = 0; i < 4 && (await page.locator('.red-ui-editor .red-ui-tray').count()) > 0; i++) {
    const tray = await topTray(page).elementHandle();
    if (!tray) return;
    await (await tray.$('#node-config-dialog-cancel, #node-dialog-cancel'))?.click();
    await tray.waitForElementState('hidden', { timeout: 10000 });
  }
}

/** Open Import from the main menu, on the given tab of the import dialog. */
export async function openImport(page: Page, tab: 'clipboard' | 'examples'): Promise<void> {
  await page.click('#red-ui-header-button-sidemenu');
  await page.click('#menu-item-import');
  await page.waitForSelector('#red-ui-clipboard-dialog-import-text', { state: 'visible', timeout: 10000 });
  if (tab === 'examples') await page.click('#red-ui-clipboard-dialog-import-tabs a[href="#red-ui-clipboard-dialog-import-tab-examples"]');
}

/** Import into a new flow tab, then drop the nodes that hang on the pointer onto the workspace. */
export async function confirmImportToNewFlow(page: Page): Promise<void> {
  await page.click('#red-ui-clipboard-dialog-import-opt-new');
  await page.locator('#red-ui-clipboard-dialog-ok').click({ timeout: 10000 });
  await page.waitForSelector('#red-ui-clipboard-dialog-ok', { state: 'hidden', timeout: 10000 });
  const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
  if (!chart) throw new Error('no workspace');
  await page.mouse.move(chart.x + 120, chart.y + 80);
  await page.mouse.click(chart.x + 120, chart.y + 80);
}

/** After a failed test, keep what the browser showed, named after the test. */
export async function keepFailure(test: Mocha.Test | undefined, page: Page | undefined): Promise<void> {
  if (!page || test?.state !== 'failed') return;
  const name = test.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await page.screenshot({ path: path.join(ARTIFACTS, `failed-${name}.png`) }).catch(() => undefined);
}
