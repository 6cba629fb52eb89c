using System.Net;
using System.Text;

namespace PanGym.Evaluation;

/// <summary>
/// The report as a list of blocks (headings, paragraphs, tables, figures), rendered twice: as Markdown that links its
/// figures as files beside it, and as one self-contained HTML page with inline CSS and the figures embedded as data URIs.
/// </summary>
internal sealed class ReportDocument
{
    readonly List<object> _blocks = [];

    public void Heading(int level, string text) => _blocks.Add(new HeadingBlock(level, text));

    public void Paragraph(string text) => _blocks.Add(new ParagraphBlock(text));

    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows) => _blocks.Add(new TableBlock(header, [.. rows]));

    /// <summary>A figure: the file beside the report (for Markdown) and its bytes (for the HTML page).</summary>
    public void Figure(string fileName, string mimeType, byte[] bytes, string caption) => _blocks.Add(new FigureBlock(fileName, mimeType, bytes, caption));

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h: text.Append('#', h.Level).Append(' ').AppendLine(h.Text); break;
                case ParagraphBlock p: text.AppendLine(p.Text); break;
                case TableBlock t:
                    text.AppendLine($"| {string.Join(" | ", t.Header.Select(MarkdownCell))} |");
                    text.AppendLine($"|{string.Concat(t.Header.Select((_, i) => i == 0 ? "---|" : "---:|"))}");
                    foreach (var row in t.Rows) text.AppendLine($"| {string.Join(" | ", row.Select(MarkdownCell))} |");
                    break;
                case FigureBlock f: text.AppendLine($"![{Path.GetFileNameWithoutExtension(f.FileName)}]({f.FileName})").AppendLine().AppendLine($"*{f.Caption}*"); break;
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    public string ToHtml(string title)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .AppendLine($"<title>{Encode(title)}</title>").AppendLine($"<style>{Css}</style>").AppendLine("</head><body><main>");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h: html.AppendLine($"<h{h.Level}>{Encode(h.Text)}</h{h.Level}>"); break;
                case ParagraphBlock p: html.AppendLine($"<p>{Encode(p.Text)}</p>"); break;
                case TableBlock t:
                    html.AppendLine("<table><thead><tr>" + string.Concat(t.Header.Select(c => $"<th>{Encode(c)}</th>")) + "</tr></thead><tbody>");
                    foreach (var row in t.Rows) html.AppendLine("<tr>" + string.Concat(row.Select(c => $"<td>{Encode(c)}</td>")) + "</tr>");
                    html.AppendLine("</tbody></table>");
                    break;
                case FigureBlock f:
                    html.AppendLine($"<figure><img src=\"data:{f.MimeType};base64,{Convert.ToBase64String(f.Bytes)}\" alt=\"{Encode(f.Caption)}\">" +
                        $"<figcaption>{Encode(f.Caption)}</figcaption></figure>");
                    break;
            }
        }
        return html.AppendLine("</main></body></html>").ToString();
    }

    static string Encode(string text) => WebUtility.HtmlEncode(text);

    static string MarkdownCell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    const string Css =
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f6f7f9;color:#1d2330}" +
        "main{max-width:980px;margin:0 auto;padding:24px 32px;background:#fff}" +
        "h1{font-size:1.6em;border-bottom:2px solid #d8dce3;padding-bottom:6px}h2{font-size:1.25em;margin-top:1.8em}" +
        "table{border-collapse:collapse;margin:12px 0;font-size:.92em}th,td{border:1px solid #d8dce3;padding:4px 10px;text-align:right}" +
        "th:first-child,td:first-child{text-align:left}thead th{background:#eef1f5}tbody tr:nth-child(even){background:#fafbfc}" +
        "figure{display:inline-block;margin:10px 16px 10px 0;vertical-align:top}figure img{max-width:100%;image-rendering:pixelated;border:1px solid #d8dce3}" +
        "figcaption{font-size:.85em;color:#555;max-width:460px}p{line-height:1.45}";

    sealed record HeadingBlock(int Level, string Text);

    sealed record ParagraphBlock(string Text);

    sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

    sealed record FigureBlock(string FileName, string MimeType, byte[] Bytes, string Caption);
}
