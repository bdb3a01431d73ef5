/**
 * The shared end-to-end scenarios and engine rules over the EWS backend against the emulator's Exchange 2007 SP3 profile: every
 * request validated against Exchange 2007's own schema (../shared/ews/schema-2007-sp2plus, header included), every
 * answer checked against it too. The backend is not told the version: it detects it.
 */
import { describe, it } from 'vitest';
import { ews2007SkipReason, hasEws2007Schema, xmllintPath, xmllintSkipReason } from '../helpers/env';
import { defineRules } from './rules';
import { defineScenarios } from './scenarios';

if (hasEws2007Schema && xmllintPath) {
  defineScenarios('ews', { ewsVersion: 'Exchange2007_SP3' });
  defineRules('ews', { ewsVersion: 'Exchange2007_SP3' });
} else
  describe('end to end over the EWS (Exchange2007_SP3) emulator', () => {
    it.skip(`skipped: ${!hasEws2007Schema ? ews2007SkipReason : xmllintSkipReason}`, () => {});
  });
