import {
  IntegrationEntity,
  OPTIONAL_STEPS,
  WIZARD_STEPS,
  WizardStep,
} from './entities/integration.entity';

/** The wizard steps not saved yet that finishing needs (not the optional ones), in wizard order. */
export function missingSteps(integration: IntegrationEntity): WizardStep[] {
  return WIZARD_STEPS.filter(
    (step) => !OPTIONAL_STEPS.includes(step) && !integration.completedSteps.includes(step),
  );
}

/** Records a step as saved (once). */
export function markStepDone(integration: IntegrationEntity, step: WizardStep): void {
  if (!integration.completedSteps.includes(step))
    integration.completedSteps = [...integration.completedSteps, step];
}
