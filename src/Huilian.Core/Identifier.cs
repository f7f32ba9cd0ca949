namespace Huilian.Core;

/// <summary>Names that appear in the protocol (chain ids, modules, actions, roles): lowercase ASCII, never ambiguous.</summary>
public static class Identifier
{
    public static bool IsValid(string? value, int lengthMax = Limits.IdentifierLengthMax)
    {
        if (string.IsNullOrEmpty(value) || value.Length > lengthMax || value[0] is < 'a' or > 'z')
        {
            return false;
        }
        foreach (var c in value)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
