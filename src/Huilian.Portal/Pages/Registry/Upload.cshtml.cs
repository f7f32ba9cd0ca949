using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Registry;

/// <summary>
/// Publish a CSV batch, in the format of the demo network's demo/documents.csv:
/// <c>type,number,secret,owner,valueMinor,currency,fields</c> (a trailing seededFinancing column is ignored), fields as
/// <c>"name=value;name=value"</c>, the owner in its own column; an empty secret is drawn here. At most
/// <see cref="RowsMax"/> documents of one publish action and <see cref="BytesMax"/> bytes: one transaction, all or
/// nothing. The file is checked whole before anything is sent: the wrong type of file, too large, or any malformed
/// row (each named by its line) publishes nothing.
/// </summary>
[Requires("registry.publish-declaration", "registry.publish-invoice", "registry.publish-policy", "registry.publish-transport", "registry.publish-tax-filing")]
[RequestSizeLimit(RequestBytesMax)]
public sealed class UploadModel : PortalPageModel
{
    public const int BytesMax = 256 * 1024;

    /// <summary>
    /// The request this page accepts (the node's own limit is a transaction's size): files up to this size are read and
    /// refused with a sentence when over <see cref="BytesMax"/>; larger requests are cut by the server (400).
    /// </summary>
    public const long RequestBytesMax = 4L * 1024 * 1024;

    /// <summary>One transaction's worth (the 64 KiB payload holds about 200 declarations).</summary>
    public const int RowsMax = 200;

    /// <summary>The most row errors listed (the file has to be fixed anyway).</summary>
    public const int ErrorsShownMax = 50;

    public static readonly string[] Header = ["type", "number", "secret", "owner", "valueMinor", "currency", "fields"];

    private static readonly HashSet<string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream", "",
    };

    [BindProperty]
    public IFormFile? Batch { get; set; }

    /// <summary>Line-numbered errors of the rows: (line, text).</summary>
    public List<(int Line, string Text)> RowErrors { get; } = [];

    public IReadOnlyList<(string Type, string Number, string Secret, string Key)> Published { get; private set; } = [];

    public string? Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Batch is null || Batch.Length == 0)
        {
            Fail("file", "registry.upload.missing");
        }
        else if (!Batch.FileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || !ContentTypes.Contains(Batch.ContentType ?? ""))
        {
            Fail("file", "registry.upload.wrongType");
        }
        else if (Batch.Length > BytesMax)
        {
            Fail("file", "registry.upload.tooLarge");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        string text;
        using (var stream = Batch!.OpenReadStream())
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.ToArray();
            try
            {
                text = new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                Fail("file", "registry.upload.notText");
                Response.StatusCode = 422;
                return Page();
            }
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                Fail("file", "registry.upload.notText");
                Response.StatusCode = 422;
                return Page();
            }
        }
        var hash = CryptoSuites.Get(Api.Node.Setup.Suite.Name).Hash;
        var documents = Check(text.TrimStart('\uFEFF'));
        if (FieldErrors.Count > 0 || RowErrors.Count > 0)
        {
            if (RowErrors.Count > 0)
            {
                Fail("file", "registry.upload.rowsMalformed");
            }
            Response.StatusCode = 422;
            return Page();
        }
        var items = new JsonArray();
        var published = new List<(string, string, string, string)>();
        foreach (var d in documents)
        {
            var key = DocumentKeys.Key(hash, d.Type.Id, d.Number, d.Secret).ToString();
            items.Add(new JsonObject
            {
                ["key"] = key,
                ["type"] = d.Type.Id,
                ["value"] = d.Value,
                ["currency"] = d.Currency,
                ["fields"] = JsonNode.Parse(DocumentKeys.CommitmentsJson(hash, d.Type.Id, d.Number, d.Secret, d.Fields))!.AsObject(),
            });
            published.Add((d.Type.Id, d.Number, d.Secret, key));
        }
        var receipt = await Api.Submit(Me, "registry", documents[0].Type.PublishAction, new JsonObject { ["documents"] = items }, cancellationToken);
        Published = published;
        Done = receipt.Unchanged ? T["registry.publish.unchanged"] : T.Format("registry.upload.done", documents.Count);
        return Page();
    }

    private sealed record Row(DocumentType Type, string Number, string Secret, ulong Value, string Currency, SortedDictionary<string, string> Fields);

    private void RowError(int line, string key, params object?[] arguments)
    {
        if (RowErrors.Count < ErrorsShownMax)
        {
            RowErrors.Add((line, T.Format(key, arguments)));
        }
        else if (RowErrors.Count == ErrorsShownMax)
        {
            RowErrors.Add((line, T["registry.upload.moreErrors"]));
        }
    }

    private List<Row> Check(string text)
    {
        var rows = new List<Row>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var header = Cells(lines[0]);
        if (header is null || header.Count < Header.Length || !header.Take(Header.Length).SequenceEqual(Header, StringComparer.Ordinal))
        {
            Fail("file", "registry.upload.header");
            return rows;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? action = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = i + 1;
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }
            if (rows.Count + RowErrors.Count >= RowsMax)
            {
                Fail("file", "registry.upload.tooManyRows");
                return rows;
            }
            var cells = Cells(lines[i]);
            if (cells is null || cells.Count < Header.Length || cells.Count > header.Count)
            {
                RowError(line, "registry.upload.rowColumns", Header.Length);
                continue;
            }
            var errors = RowErrors.Count;
            var type = DocumentTypes.Find(cells[0].Trim());
            if (type is null || !Me.Holds("registry." + type.PublishAction))
            {
                RowError(line, "registry.upload.rowType", cells[0]);
                continue;
            }
            action ??= type.PublishAction;
            if (type.PublishAction != action)
            {
                RowError(line, "registry.upload.rowOtherAction", cells[0]);
            }
            var number = cells[1].Trim();
            if (!RegistryForms.IsNumber(number))
            {
                RowError(line, "registry.upload.rowNumber");
            }
            else if (!seen.Add(type.Id + "\0" + number))
            {
                RowError(line, "registry.upload.rowTwice", number);
            }
            var secret = cells[2].Trim();
            if (secret.Length > 0 && !RegistryForms.IsSecret(secret))
            {
                RowError(line, "registry.upload.rowSecret");
            }
            var owner = cells[3].Trim();
            if (!RegistryForms.IsFieldValue(owner))
            {
                RowError(line, "registry.upload.rowOwner");
            }
            if (!ulong.TryParse(cells[4].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is 0 or > RegistryModule.ValueMax)
            {
                RowError(line, "registry.upload.rowValue", cells[4]);
            }
            var currency = cells[5].Trim();
            if (!Money.IsCurrencyCode(currency))
            {
                RowError(line, "registry.upload.rowCurrency", currency);
            }
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var fieldsOk = RegistryForms.ParseFieldLines(cells[6].Replace(';', '\n'), type, fields);
            if (fieldsOk && fields.TryGetValue(DocumentTypes.OwnerField, out var ownerField) && ownerField != owner)
            {
                fieldsOk = false;
            }
            fields[DocumentTypes.OwnerField] = owner;
            if (!fieldsOk || fields.Count != type.Fields.Count)
            {
                RowError(line, "registry.upload.rowFields", string.Join(", ", type.Fields));
            }
            if (RowErrors.Count == errors)
            {
                rows.Add(new Row(type, number, secret.Length > 0 ? secret : RegistryForms.DrawSecret(), value, currency, fields));
            }
        }
        if (rows.Count == 0 && RowErrors.Count == 0)
        {
            Fail("file", "registry.upload.empty");
        }
        return rows;
    }

    /// <summary>The cells of one CSV line (RFC 4180 quoting), or null when its quotes do not close.</summary>
    private static List<string>? Cells(string line)
    {
        var cells = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        if (quoted)
        {
            return null;
        }
        cells.Add(current.ToString());
        return cells;
    }
}
