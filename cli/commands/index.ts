import type { Command } from "../command";
import { enrollTokenCommand } from "./agents";
import { ackCommand, alertsCommand } from "./alerts";
import { auditCommand } from "./audit";
import { changeCommand, changesCommand } from "./changes";
import { discoverCommand } from "./discover";
import { disableDrillScheduleCommand, drillCommand, drillDecisionCommands, drillSchedulesCommand, drillsCommand, scheduleDrillCommand, showDrillCommand } from "./drills";
import { INCIDENT_COMMANDS } from "./incidents";
import { keysCommand } from "./keys";
import { routeCommand, serviceCommand, statusCommand } from "./fleet";
import { haproxyConfigCommand } from "./haproxy";
import { assignEscalationCommand, escalationPoliciesCommand, escalationPolicyCommand, onCallCommand, onCallOverrideCommand, onCallScheduleCommand, pagingCommand } from "./oncall";
import { evacuateCommand, planControlCommands, plansCommand, showPlanCommand, watchPlanCommand } from "./plans";
import { planCommand, runbooksCommand, runCommand } from "./runbooks";
import { runsCommand, showRunCommand, stepCommands, watchCommand } from "./runs";
import { expireSilenceCommand, silenceCommand, silencesCommand } from "./silences";
import { revokeTokenCommand, tokensCommand } from "./tokens";
import { applyCommand, exportCommand, retireCommand } from "./topology";

export const COMMANDS: readonly Command[] = [
  statusCommand,
  serviceCommand,
  routeCommand,
  haproxyConfigCommand,
  alertsCommand,
  ackCommand,
  pagingCommand,
  onCallCommand,
  onCallScheduleCommand,
  onCallOverrideCommand,
  escalationPoliciesCommand,
  escalationPolicyCommand,
  assignEscalationCommand,
  silencesCommand,
  silenceCommand,
  expireSilenceCommand,
  ...INCIDENT_COMMANDS,
  runbooksCommand,
  planCommand,
  runCommand,
  runsCommand,
  showRunCommand,
  watchCommand,
  ...stepCommands,
  evacuateCommand,
  plansCommand,
  showPlanCommand,
  watchPlanCommand,
  ...planControlCommands,
  drillCommand,
  drillsCommand,
  showDrillCommand,
  ...drillDecisionCommands,
  scheduleDrillCommand,
  drillSchedulesCommand,
  disableDrillScheduleCommand,
  auditCommand,
  changesCommand,
  changeCommand,
  discoverCommand,
  exportCommand,
  applyCommand,
  retireCommand,
  enrollTokenCommand,
  keysCommand,
  tokensCommand,
  revokeTokenCommand,
];
