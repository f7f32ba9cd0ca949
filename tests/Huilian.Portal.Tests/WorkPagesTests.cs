using System.Text.Json;
using Microsoft.Playwright;
using Huilian.Portal.Text;

namespace Huilian.Portal.Tests;

/// <summary>
/// Every page of the business workspaces (banks, enterprises, publishers) in Chinese, the portal's default language:
/// it serves, shows no missing text, has no critical accessibility violation, and is kept as a screenshot. And the
/// workspaces' resource files hold the same keys in both languages.
/// </summary>
[Collection(WorkCollection.Name)]
public sealed class WorkPagesTests(PortalFixture portal)
{
    [Theory]
    [InlineData("bank-a/proxy", "/financing/receivables/apply")]
    [InlineData("bank-a/acceptor", "/financing/receivables/queue/accept")]
    [InlineData("bank-a/reviewer", "/financing/receivables/queue/review")]
    [InlineData("bank-a/disburser", "/financing/receivables/queue/disburse")]
    [InlineData("bank-a/repayer", "/financing/receivables/queue/repay")]
    [InlineData("bank-a/proxy", "/financing/receivables/queue/cancel")]
    [InlineData("bank-a/reviewer", "/financing/receivables/rf-00000002")]
    [InlineData("bank-a/repayer", "/financing/receivables/rf-00000006")]
    [InlineData("regulator/analyst", "/financing/receivables/rf-00000042")]
    [InlineData("bank-a/reviewer", "/registry/verify")]
    [InlineData("customs/publisher", "/registry/publish")]
    [InlineData("tax/publisher", "/registry/publish")]
    [InlineData("carrier/publisher", "/registry/upload")]
    [InlineData("customs/publisher", "/registry/published")]
    [InlineData("acme/treasurer", "/enterprise/documents")]
    [InlineData("acme/treasurer", "/enterprise/financings")]
    [InlineData("acme/treasurer", "/enterprise/grants")]
    [InlineData("bank-a/enabler", "/credit/enabling")]
    [InlineData("bank-a/reviewer", "/credit/query")]
    [InlineData("bank-a/branches", "/matching/branches")]
    public async Task Each_workspace_page_serves_in_Chinese_with_all_its_text_and_accessibly(string user, string path)
    {
        var page = await portal.SignIn(user, "zh-CN");
        var response = await page.GotoAsync(path);
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await PortalFixture.AssertNoMissingText(page);
        await PortalFixture.AssertAccessible(page);
        await PortalFixture.Screenshot(page, "zh" + path.Replace('/', '-') + "-" + user.Replace('/', '-'));
        await page.Context.CloseAsync();
    }

    [Fact]
    public void The_workspaces_text_has_the_same_keys_in_both_languages()
    {
        var assembly = typeof(PortalText).Assembly;
        Dictionary<string, string> Read(string language)
        {
            using var stream = assembly.GetManifestResourceStream($"text/work.{language}.json")!;
            return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!;
        }
        var english = Read("en");
        var chinese = Read("zh-CN");
        Assert.Empty(english.Keys.Except(chinese.Keys));
        Assert.Empty(chinese.Keys.Except(english.Keys));
        Assert.All(english.Keys, key => Assert.Matches("^(financing|registry|enterprise|credit|matching|error)\\.", key));
        Assert.All(chinese, pair => Assert.False(string.IsNullOrWhiteSpace(pair.Value), pair.Key));
        // Loading every area's files together refuses a key defined twice.
        Assert.Equal(PortalText.Load("en").Keys.Order(), PortalText.Load("zh-CN").Keys.Order());
    }
}
