import { describe, expect, it } from 'vitest';
import {
  evaluateFeature,
  type FeatureState,
  type GrantedAssets,
  planInstalledFeatures,
  planUninstalledFeatures,
} from './fbe-features.ts';

const BM = '2329417887457253';
const PAGE = '112233445566778';
const IG = '17841405793187218';
const PIXEL = '1234567890123456';
const CATALOG = '354160437058781';

const catalog = {
  featureInstanceId: 'f-catalog',
  featureType: 'catalog',
  connectedAssets: { business_manager_id: BM, catalog_id: CATALOG },
};
const pixel = {
  featureInstanceId: 'f-pixel',
  featureType: 'pixel',
  connectedAssets: { business_manager_id: BM, pixel_id: PIXEL },
};
const chat = {
  featureInstanceId: 'f-chat',
  featureType: 'messenger_chat',
  connectedAssets: { business_manager_id: BM, page_id: PAGE, ig_profile_id: IG },
};

const all: GrantedAssets = {
  businessManagerId: BM,
  pages: [PAGE],
  instagramProfiles: [IG],
  pixelId: PIXEL,
  catalogId: CATALOG,
};

const summary = (states: FeatureState[]) =>
  Object.fromEntries(states.map((s) => [s.featureInstanceId, s.enabled ? 'on' : s.disabledReason]));

describe('FBE feature rule (docs/meta-platform.md, "Business setup facts")', () => {
  it('enables every feature whose required assets were granted', () => {
    expect(summary(planInstalledFeatures([catalog, pixel, chat], all, []))).toEqual({
      'f-catalog': 'on',
      'f-pixel': 'on',
      'f-chat': 'on',
    });
  });

  it("catalog granted but no pixel: only the pixel feature is disabled, naming the missing asset (the FBE notes' example)", () => {
    const noPixel = { ...all, pixelId: undefined };
    const states = planInstalledFeatures([catalog, pixel, chat], noPixel, []);
    expect(summary(states)).toEqual({ 'f-catalog': 'on', 'f-pixel': 'missing_assets', 'f-chat': 'on' });
    expect(states.find((s) => s.featureInstanceId === 'f-pixel')?.missingAssets).toEqual(['pixel_id']);
  });

  it('a feature whose asset is not connected to it is disabled even when the install has the asset', () => {
    const state = evaluateFeature({ ...chat, connectedAssets: { business_manager_id: BM } }, all);
    expect(state).toMatchObject({
      enabled: false,
      disabledReason: 'missing_assets',
      missingAssets: ['page_id'],
    });
  });

  it('a feature pointing at a Page the install did not grant is disabled', () => {
    const state = evaluateFeature(chat, { ...all, pages: ['999'] });
    expect(state).toMatchObject({ enabled: false, missingAssets: ['page_id'] });
  });

  it('records an unknown feature type without running it', () => {
    const state = evaluateFeature({ ...catalog, featureInstanceId: 'x', featureType: 'toString' }, all);
    expect(state).toMatchObject({ enabled: false, disabledReason: 'unsupported_feature' });
  });

  it('keeps a feature Meta no longer lists, disabled as removed', () => {
    const before = planInstalledFeatures([catalog, pixel], all, []);
    expect(summary(planInstalledFeatures([catalog], all, before))).toEqual({
      'f-catalog': 'on',
      'f-pixel': 'feature_removed',
    });
  });

  it('disables every known feature on uninstall', () => {
    const before = planInstalledFeatures([catalog, pixel, chat], all, []);
    expect(summary(planUninstalledFeatures([], before))).toEqual({
      'f-catalog': 'uninstalled',
      'f-pixel': 'uninstalled',
      'f-chat': 'uninstalled',
    });
  });
});
