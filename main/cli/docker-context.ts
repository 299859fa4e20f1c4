import { oneValue, type OptionDef, type ParsedArgs } from './args';

/** --context, shared by every command that talks to Docker: which engine to use. */
export const CONTEXT_OPTION: OptionDef = {
  name: 'context', value: 'NAME', help: 'Docker context to use (default: DOCKER_HOST, else the current context)',
};

/** The request field naming the Docker context: present only when --context was given. */
export function contextField(args: ParsedArgs): { context?: string } {
  const context = oneValue(args, 'context');
  return context ? { context } : {};
}
