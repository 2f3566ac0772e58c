import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes operators filter deploys by in the Temporal UI.
 * On a real cluster register them once with
 * `temporal operator search-attribute create --name Application --type Keyword` (etc.).
 */
export const Application = defineSearchAttributeKey('Application', SearchAttributeType.KEYWORD);
export const Environment = defineSearchAttributeKey('Environment', SearchAttributeType.KEYWORD);
export const Team = defineSearchAttributeKey('Team', SearchAttributeType.KEYWORD);
export const DeployStatus = defineSearchAttributeKey('DeployStatus', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [Application, Environment, Team, DeployStatus] as const;

/** `Name=Keyword` arguments for `temporal server start-dev --search-attribute`. */
export const DEV_SERVER_SEARCH_ATTRIBUTE_ARGS: string[] = SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);

/** Where a workflow's work belongs: a VM request, a decommission, the VMs a deploy creates. */
export function ownerSearchAttributes(r: { application: string; environment: string; team: string }) {
  return [
    { key: Application, value: r.application },
    { key: Environment, value: r.environment },
    { key: Team, value: r.team },
  ];
}

/** The search attributes a deploy starts with. */
export function deploySearchAttributes(r: { application: string; environment: string; team: string }, status: string) {
  return [...ownerSearchAttributes(r), { key: DeployStatus, value: status }];
}
