/**
 * `desktop` in the server configuration: which implementation the served desktop page binds.
 * Absent, the page uses the reference connector to this server. With `implementation`, the page
 * loads the pega namespace and the vendor's script files by <script> tags (served at fixed URLs
 * under /vendor/, from files the deployment names here — never from a URL a request gives) and
 * binds its session to what the files registered under `pega.cti.desktopApi.<vendor>` (or
 * `embeddedApi` for the embedded variant). See docs/pega-hosting.md.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { CtiLink } from '../framework/schema/context-schemas.js';
import { stringEnum } from '../framework/schema/string-enum.js';

export const DESKTOP_VARIANTS = ['desktop', 'embedded'] as const;
export type DesktopVariant = (typeof DESKTOP_VARIANTS)[number];

/** A JavaScript identifier: the vendor is a property name under pega.cti.desktopApi. */
const VENDOR = '^[A-Za-z_$][A-Za-z0-9_$]{0,63}$';
/** An origin for a Content-Security-Policy list: scheme://host[:port], nothing that could end the directive. */
const SOURCE = '^(https?|wss?)://[A-Za-z0-9.*-]+(:[0-9]{1,5})?$';

export const DesktopConfig = Type.Object(
  {
    implementation: Type.Optional(
      Type.Object(
        {
          vendor: Type.String({ pattern: VENDOR, description: 'The name the implementation file registers under pega.cti.desktopApi (or embeddedApi), e.g. "Acme"' }),
          scripts: Type.Array(Type.String({ minLength: 1, maxLength: 4096, pattern: '\\.js$' }), {
            minItems: 1,
            maxItems: 16,
            description: 'Script files loaded in this order after the pega namespace: the vendor SDK files, then the implementation file (paths relative to the working directory)',
          }),
          variant: Type.Unsafe<DesktopVariant>({
            ...stringEnum(DESKTOP_VARIANTS, '"desktop": the desktop shows its own call controls; "embedded": the vendor\'s panel does'),
            default: 'desktop',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    ctiLink: Type.Optional(CtiLink),
    connectSources: Type.Optional(
      Type.Array(Type.String({ pattern: SOURCE, maxLength: 2048 }), {
        maxItems: 32,
        description: 'Origins the vendor scripts connect to (their CTI server: wss://cti.example.com), added to the desktop page\'s connect-src',
      }),
    ),
    frameSources: Type.Optional(
      Type.Array(Type.String({ pattern: SOURCE, maxLength: 2048 }), {
        maxItems: 32,
        description: 'Origins the vendor\'s panel may frame (embedded variant), added to the desktop page\'s frame-src',
      }),
    ),
  },
  { additionalProperties: false, description: 'The implementation the desktop page binds (docs/pega-hosting.md)' },
);
export type DesktopConfig = Static<typeof DesktopConfig>;

/** Problems the schema cannot see: script files that cannot be read, a link without an implementation. */
export function crossCheckDesktopConfig(desktop: DesktopConfig): string[] {
  const problems: string[] = [];
  for (const name of ['ctiLink', 'connectSources', 'frameSources'] as const) {
    if (desktop[name] && !desktop.implementation) {
      problems.push(`/desktop/${name}: only used with desktop.implementation (the reference connector always links to this server)`);
    }
  }
  desktop.implementation?.scripts.forEach((path, index) => {
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch (error) {
      problems.push(`/desktop/implementation/scripts/${index}: cannot read ${path}: ${(error as Error).message}`);
      return;
    }
    if (!isFile) problems.push(`/desktop/implementation/scripts/${index}: ${path} is not a file`);
  });
  return problems;
}

/** What the desktop page's Content-Security-Policy adds for the vendor scripts. */
export function desktopPolicyExtra(desktop: DesktopConfig | undefined): Record<string, string[]> {
  if (!desktop?.implementation) return {};
  const extra: Record<string, string[]> = {};
  if (desktop.connectSources?.length) extra.connectSrc = [...desktop.connectSources];
  if (desktop.frameSources?.length) extra.frameSrc = ["'self'", ...desktop.frameSources];
  return extra;
}

/** A served vendor script: its fixed URL and the file behind it. */
export interface VendorScript {
  readonly url: string;
  readonly path: string;
}

/** The URL of each script: its place in the list and its file name, e.g. /vendor/1/connector.js. */
export function vendorScripts(desktop: DesktopConfig | undefined): VendorScript[] {
  return (desktop?.implementation?.scripts ?? []).map((path, index) => ({ url: `/vendor/${index}/${encodeURIComponent(basename(path))}`, path }));
}

/** What the page reads from its configuration block (src/desktop/app/hosted-config.ts). */
export interface DesktopPageConfig {
  readonly implementation: { readonly vendor: string; readonly variant: DesktopVariant };
  readonly ctiLink: CtiLink;
}

export function desktopPageConfig(desktop: DesktopConfig | undefined): DesktopPageConfig | undefined {
  const implementation = desktop?.implementation;
  if (!implementation) return undefined;
  return {
    implementation: { vendor: implementation.vendor, variant: implementation.variant },
    ctiLink: desktop.ctiLink ?? { name: implementation.vendor },
  };
}
