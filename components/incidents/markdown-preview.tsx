import { Fragment, type ReactNode } from "react";

/**
 * A preview of the Markdown a review is written in: headings, lists, tables,
 * paragraphs and inline code, bold and emphasis, built as React elements
 * (no HTML from the text is ever rendered).
 */
function inline(text: string): ReactNode[] {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*|_[^_]+_)/g).map((part, index) => {
    if (/^`[^`]+`$/.test(part)) return <code key={index}>{part.slice(1, -1)}</code>;
    if (/^\*\*[^*]+\*\*$/.test(part)) return <strong key={index}>{part.slice(2, -2)}</strong>;
    if (/^_[^_]+_$/.test(part)) return <em key={index}>{part.slice(1, -1)}</em>;
    return <Fragment key={index}>{part}</Fragment>;
  });
}

const cells = (row: string) => row.replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, "|"));

export function MarkdownPreview({ markdown }: { markdown: string }) {
  const blocks: ReactNode[] = [];
  const lines = markdown.split(/\r?\n/);
  for (let index = 0; index < lines.length; ) {
    const line = lines[index]!;
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    if (heading) {
      const Tag = (["h2", "h3", "h4"] as const)[heading[1]!.length - 1]!;
      blocks.push(<Tag key={index}>{inline(heading[2]!)}</Tag>);
      index++;
    } else if (line.startsWith("- ")) {
      const items: string[] = [];
      while (index < lines.length && lines[index]!.startsWith("- ")) items.push(lines[index++]!.slice(2));
      blocks.push(
        <ul key={index}>
          {items.map((item, at) => (
            <li key={at}>{inline(item)}</li>
          ))}
        </ul>,
      );
    } else if (line.startsWith("|")) {
      const rows: string[] = [];
      while (index < lines.length && lines[index]!.startsWith("|")) rows.push(lines[index++]!);
      const [head, , ...body] = rows;
      blocks.push(
        <div className="table-wrap" key={index}>
          <table>
            <thead>
              <tr>
                {cells(head!).map((cell, at) => (
                  <th scope="col" key={at}>
                    {inline(cell)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {body.map((row, at) => (
                <tr key={at}>
                  {cells(row).map((cell, column) => (
                    <td key={column}>{inline(cell)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
    } else if (line.trim() === "") {
      index++;
    } else {
      const paragraph: string[] = [];
      while (index < lines.length && lines[index]!.trim() !== "" && !/^(#{1,3} |- |\|)/.test(lines[index]!)) paragraph.push(lines[index++]!);
      blocks.push(<p key={index}>{inline(paragraph.join(" "))}</p>);
    }
  }
  return <div className="markdown-preview stack">{blocks}</div>;
}
