/** The shared end-to-end scenarios over the EWS backend and emulator (Exchange Server on premises). */
import { defineRules } from './rules';
import { defineScenarios } from './scenarios';
import { defineScopeChanges } from './scope';

defineScenarios('ews');
defineRules('ews');
defineScopeChanges('ews');
