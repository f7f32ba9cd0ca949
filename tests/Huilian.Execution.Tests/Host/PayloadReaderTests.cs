using System.Text;
using Huilian.Execution.Host;

namespace Huilian.Execution.Tests.Host;

// Cases: valid objects read with required and optional fields; invalid JSON, non-objects, two values, comments,
// trailing commas, excessive depth and duplicate fields → PayloadMalformed; missing required → PayloadFieldMissing;
// wrong JSON types → PayloadFieldWrongType; strings too long, control characters, bad hex, numbers out of range,
// negative or fractional numbers → PayloadFieldOutOfRange; fields the action does not read → PayloadFieldUnknown;
// null counts as absent.
public sealed class PayloadReaderTests
{
    private static PayloadReader Read(string json) => PayloadReader.Parse(Encoding.UTF8.GetBytes(json));

    private static string CodeOf(Action action) => Assert.Throws<ActionRefusedException>(action).Code;

    [Fact]
    public void ReadsRequiredAndOptionalFields()
    {
        var reader = Read("""{"hash":"ABababababababababababababababababababababababababababababababab","label":"合同","count":42,"missing":null}""");
        Assert.Equal("abababababababababababababababababababababababababababababababab", reader.RequiredHash("hash").ToString());
        Assert.Equal("合同", reader.OptionalString("label", 10));
        Assert.Equal(42UL, reader.RequiredUInt64("count"));
        Assert.Null(reader.OptionalString("missing", 10));
        Assert.Null(reader.OptionalString("absent", 10));
        reader.EnsureNoUnknownFields();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{} {}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{/* c */\"a\":1}")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}")]
    [InlineData("")]
    public void MalformedPayloadsAreRefused(string json) =>
        Assert.Equal(ResultCodes.PayloadMalformed, CodeOf(() => Read(json)));

    [Fact]
    public void MissingRequiredFieldIsNamed()
    {
        var exception = Assert.Throws<ActionRefusedException>(() => Read("{}").RequiredString("owner", 10));
        Assert.Equal(ResultCodes.PayloadFieldMissing, exception.Code);
        Assert.Contains("owner", exception.Message);
    }

    [Theory]
    [InlineData("{\"v\":1}", "string")]
    [InlineData("{\"v\":\"1\"}", "number")]
    [InlineData("{\"v\":true}", "number")]
    [InlineData("{\"v\":{}}", "list")]
    [InlineData("{\"v\":[1]}", "list")]
    public void WrongTypesAreRefused(string json, string wanted)
    {
        var reader = Read(json);
        Action read = wanted switch
        {
            "string" => () => reader.RequiredString("v", 10),
            "number" => () => reader.RequiredUInt64("v"),
            _ => () => reader.RequiredStringList("v", 5, 5),
        };
        Assert.Equal(ResultCodes.PayloadFieldWrongType, CodeOf(read));
    }

    [Theory]
    [InlineData("{\"v\":\"abcdefghijk\"}", "string")]
    [InlineData("{\"v\":\"\"}", "string")]
    [InlineData("{\"v\":\"a\\u0001b\"}", "string")]
    [InlineData("{\"v\":-1}", "number")]
    [InlineData("{\"v\":1.5}", "number")]
    [InlineData("{\"v\":1e3}", "number")]
    [InlineData("{\"v\":18446744073709551616}", "number")]
    [InlineData("{\"v\":101}", "number")]
    [InlineData("{\"v\":\"xyz\"}", "hash")]
    [InlineData("{\"v\":\"abc\"}", "hex")]
    [InlineData("{\"v\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}", "list")]
    public void OutOfRangeValuesAreRefused(string json, string kind)
    {
        var reader = Read(json);
        Action read = kind switch
        {
            "string" => () => reader.RequiredString("v", 10),
            "number" => () => reader.RequiredUInt64("v", 100),
            "hash" => () => reader.RequiredHash("v"),
            "hex" => () => reader.RequiredHex("v", 10),
            _ => () => reader.RequiredStringList("v", 5, 5),
        };
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, CodeOf(read));
    }

    [Theory]
    [InlineData("\"AAECAw==\"", 4)]
    [InlineData("\"AAEC\"", 3)]
    [InlineData("\"AA\\/C\"", 3)] // an escaped slash, read the slow way
    public void Base64LengthIsCheckedWithoutDecoding(string value, int length)
    {
        Assert.Equal(length, Read($"{{\"b\":{value}}}").RequiredBase64Length("b", 8));
        Assert.Equal(length, Read($"{{\"b\":{value}}}").RequiredBase64("b", 8).Length);
    }

    [Theory]
    [InlineData("\"AAECAw\"")] // missing padding
    [InlineData("\"AA*CAw==\"")]
    [InlineData("\"\"")]
    [InlineData("\"AAECAwQFBgcICQ==\"")] // 10 bytes, above the bound of 8
    public void BadBase64IsRefusedTheSameWayByBothReaders(string value)
    {
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, Assert.Throws<ActionRefusedException>(() => Read($"{{\"b\":{value}}}").RequiredBase64Length("b", 8)).Code);
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, Assert.Throws<ActionRefusedException>(() => Read($"{{\"b\":{value}}}").RequiredBase64("b", 8)).Code);
    }

    [Fact]
    public void FieldsTheActionDoesNotReadAreRefused()
    {
        var reader = Read("{\"hash\":\"x\",\"amount\":5}");
        reader.OptionalString("hash", 64);
        var exception = Assert.Throws<ActionRefusedException>(reader.EnsureNoUnknownFields);
        Assert.Equal(ResultCodes.PayloadFieldUnknown, exception.Code);
        Assert.Contains("amount", exception.Message);
    }

    [Fact]
    public void SameBytesReadTheSameWayEveryTime()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"b\":\"2\",\"a\":\"1\"}");
        for (var i = 0; i < 3; i++)
        {
            var reader = PayloadReader.Parse(bytes);
            Assert.Equal("1", reader.RequiredString("a", 5));
            Assert.Equal("2", reader.RequiredString("b", 5));
            reader.EnsureNoUnknownFields();
        }
    }
}
