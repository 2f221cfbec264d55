/** A person line of a commit object. `date` is ISO-8601 UTC. */
export interface GitPerson {
  readonly name: string;
  readonly email: string;
  readonly date: string;
}

export interface GitCommitObject {
  readonly oid: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitPerson;
  readonly committer: GitPerson;
  readonly message: string;
}

function parsePerson(line: string): GitPerson {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!match) throw new Error(`Unparseable person line in commit object: ${line}`);
  const seconds = Number(match[3]);
  return { name: match[1] ?? "", email: match[2] ?? "", date: new Date(seconds * 1000).toISOString() };
}

/**
 * Parses the raw text of a commit object (`git cat-file commit <oid>`): tree, parents, author,
 * committer (dates as ISO-8601 UTC) and the message after the first blank line, byte for byte.
 *
 * @example
 * parseCommitObject(oid, "tree t\nauthor A <a@x> 1700000000 +0000\ncommitter C <c@x> 1700000000 +0000\n\nmsg\n");
 */
export function parseCommitObject(oid: string, raw: string): GitCommitObject {
  const split = raw.indexOf("\n\n");
  const headerText = split === -1 ? raw : raw.slice(0, split);
  const message = split === -1 ? "" : raw.slice(split + 2);
  let tree = "";
  const parents: string[] = [];
  let author: GitPerson | undefined;
  let committer: GitPerson | undefined;
  for (const line of headerText.split("\n")) {
    const space = line.indexOf(" ");
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author") author = parsePerson(value);
    else if (key === "committer") committer = parsePerson(value);
  }
  if (!author || !committer || tree === "") throw new Error(`Commit ${oid} is missing tree/author/committer`);
  return { oid, tree, parents, author, committer, message };
}
