using System.Globalization;

namespace Huilian.Portal.Tests;

/// <summary>A row of the demo network's demo/documents.csv: a document's number, secret, owner and value, and the seeded financing on it.</summary>
public sealed record DemoDocument(string Type, string Number, string Secret, string Owner, ulong ValueMinor, string Currency, string Fields, string SeededFinancing)
{
    /// <summary>The value in major units as typed in a form ("12345.00").</summary>
    public string ValueTyped => (ValueMinor / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    public static IReadOnlyList<DemoDocument> Read(PortalFixture portal)
    {
        var lines = File.ReadAllLines(Path.Combine(portal.Directory, "demo", "documents.csv"));
        return lines.Skip(1).Where(l => l.Length > 0).Select(Parse).ToArray();
    }

    private static DemoDocument Parse(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        cells.Add(current.ToString());
        return new DemoDocument(cells[0], cells[1], cells[2], cells[3], ulong.Parse(cells[4], CultureInfo.InvariantCulture), cells[5], cells[6], cells.Count > 7 ? cells[7] : "");
    }

    /// <summary>
    /// Unfinanced USD customs declarations, from the end of the file (other tests take them from the start); each test
    /// of the workspaces takes its own by <paramref name="index"/> so that none finances another's document.
    /// </summary>
    public static DemoDocument Unfinanced(PortalFixture portal, int index) =>
        Read(portal).Where(d => d.Type == "customs-declaration" && d.Currency == "USD" && d.SeededFinancing.Length == 0).Reverse().ElementAt(index);
}
