import type { Command } from 'commander';

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function collect(command: Command): Command[] {
  const visible = command.commands.filter((c) => c.name() !== 'help');
  return [command, ...visible.flatMap(collect)];
}

/** Renders every command's --help text as Markdown, so docs/cli.md is generated and cannot drift. */
export function renderCliReference(program: Command): string {
  const sections = collect(program).map((command) => {
    // A fixed width, so the file does not depend on the terminal that generated it.
    command.configureHelp({ ...command.configureHelp(), helpWidth: 100 });
    const help = command.helpInformation({ error: false }).trimEnd();
    return `## \`${commandPath(command)}\`\n\n\`\`\`text\n${help}\n\`\`\`\n`;
  });
  return [
    '# gitseal CLI reference',
    '',
    'Generated from the commander definitions by `npm run docs`; a test fails when this file is out of date.',
    'The `-o json|yaml` shapes, shell completion and progress are described in [cli-output.md](cli-output.md).',
    '',
    ...sections,
  ].join('\n');
}
