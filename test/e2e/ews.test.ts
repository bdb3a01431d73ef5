/** The shared end-to-end scenarios over the EWS backend and emulator (Exchange Server on premises). */
import { defineScenarios } from './scenarios';

defineScenarios('ews');
