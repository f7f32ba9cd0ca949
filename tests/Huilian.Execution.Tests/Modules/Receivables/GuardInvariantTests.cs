using Huilian.Core.Ledger;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Workflow;
using Xunit.Abstractions;

namespace Huilian.Execution.Tests.Modules.Receivables;

// The guard's invariant under a random workload (fixed seeds): two banks apply on one to three of four documents
// with random claims, are accepted and approved, disburse random amounts (sometimes two disbursements racing in one
// block), repay random amounts (sometimes above the outstanding amount) and cancel. After every block, for every
// document, its financed total equals the sum of the active claims of all financings on it and never exceeds its
// value; for every financing, its active claims sum to its outstanding principal, and only a disbursed financing has
// any. Refusals are expected (that is the guard working); anything else than the known codes fails the test.
public sealed class GuardInvariantTests(ITestOutputHelper output)
{
    private static readonly string[] ExpectedRefusals =
    [
        ResultCodes.Ok, "AmountExceedsUnfinancedBalance", "DocumentAlreadyFinancedInFull", "RepaymentExceedsOutstanding", "TransitionNotAllowed",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ActiveClaimsNeverExceedADocumentsValue(int seed)
    {
        var trade = new TradeChain();
        var random = new Random(seed);
        var documents = new[] { 100_000_00UL, 50_000_00UL, 30_000_00UL, 7_777_77UL }
            .Select((value, i) => TestDocument.Declaration("22202026100099000" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), value)).ToArray();
        Assert.Equal(ResultCodes.Ok, trade.Publish(documents).Code);
        Assert.Equal(ResultCodes.Ok, trade.Enable("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, trade.Enable("bank-b").Code);
        var codes = new SortedDictionary<string, int>(StringComparer.Ordinal);

        void Count(Receipt receipt)
        {
            Assert.True(ExpectedRefusals.Contains(receipt.Code), receipt.Code + ": " + receipt.Message);
            codes[receipt.Code] = codes.GetValueOrDefault(receipt.Code) + 1;
        }

        for (var step = 0; step < 120; step++)
        {
            var bank = TradeChain.Banks[random.Next(2)];
            var financings = WorkflowModule.ReadAll(trade.State, ReceivablesProcess.Definition).ToArray();
            var approved = financings.Where(f => f.State == "approved").ToArray();
            var disbursed = financings.Where(f => f.State == "disbursed").ToArray();
            switch (random.Next(6))
            {
                case 0 or 1:
                    // A new financing on one to three documents, through to approval when the balance allows it.
                    var chosen = documents.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
                    var claims = chosen.Select(d => (ulong)random.NextInt64(1, (long)d.Value + 1) / 2 + 1).ToArray();
                    var applied = trade.Apply(bank, claims.Aggregate(0UL, (a, c) => a + c), string.Join(",", chosen.Select((d, i) => d.ApplicationItem(trade, claims[i]))));
                    Count(applied);
                    if (applied.Code == ResultCodes.Ok)
                    {
                        var id = TradeChain.FinancingId(applied);
                        Count(trade.Step(bank + "/acceptor", "accept", id));
                        Count(trade.Step(bank + "/reviewer", "review", id, "\"decision\":\"approve\""));
                    }
                    break;
                case 2 when approved.Length >= 2:
                    // Two disbursements racing in one block.
                    var first = approved[random.Next(approved.Length)];
                    var second = approved.First(f => f.Id != first.Id);
                    var (execution, _) = trade.Chain.RunBlock(
                        trade.DisburseTx(first.Bank, first.Id, (ulong)random.NextInt64(1, (long)first.AppliedAmount + 1)),
                        trade.DisburseTx(second.Bank, second.Id, second.AppliedAmount));
                    foreach (var receipt in execution.Receipts)
                    {
                        Count(receipt);
                    }
                    break;
                case 2 or 3 when approved.Length > 0:
                    var one = approved[random.Next(approved.Length)];
                    Count(trade.Run(trade.DisburseTx(one.Bank, one.Id, (ulong)random.NextInt64(1, (long)one.AppliedAmount + 1))));
                    break;
                case 4 when disbursed.Length > 0:
                    var loan = disbursed[random.Next(disbursed.Length)];
                    var amount = random.Next(5) == 0 ? loan.Outstanding + 1 : (ulong)random.NextInt64(1, (long)loan.Outstanding + 1);
                    Count(trade.Step(loan.Bank + "/repayer", "repay", loan.Id, $"\"amount\":{amount},\"value-date\":\"2026-12-01\""));
                    break;
                case 5 when financings.Length > 0:
                    var cancelled = financings[random.Next(financings.Length)];
                    Count(trade.Step(cancelled.Bank + "/proxy", "cancel", cancelled.Id, "\"reason\":\"withdrawn\""));
                    break;
            }
            CheckInvariant(trade, documents);
        }
        output.WriteLine(string.Join(", ", codes.Select(c => c.Key + " " + c.Value)));
        // The workload must have exercised the guard, not only the happy path.
        Assert.True(codes.GetValueOrDefault(ResultCodes.Ok) > 50, string.Join(", ", codes));
        Assert.True(codes.GetValueOrDefault("AmountExceedsUnfinancedBalance") + codes.GetValueOrDefault("DocumentAlreadyFinancedInFull") > 0, string.Join(", ", codes));
    }

    private static void CheckInvariant(TradeChain trade, TestDocument[] documents)
    {
        var financings = WorkflowModule.ReadAll(trade.State, ReceivablesProcess.Definition).ToArray();
        foreach (var financing in financings)
        {
            var active = financing.Claims.Aggregate(0UL, (sum, c) => sum + c.Active);
            Assert.True(active == financing.Outstanding, $"{financing.Id} ({financing.State}): claims {active}, outstanding {financing.Outstanding}");
            Assert.True(financing.State == "disbursed" ? active > 0 : active == 0, $"{financing.Id} is {financing.State} with active claims {active}");
            Assert.All(financing.Claims, c => Assert.True(c.Active <= c.Requested));
        }
        foreach (var document in documents)
        {
            var record = trade.Document(document)!;
            var key = document.Key(trade);
            var claimed = financings.SelectMany(f => f.Claims).Where(c => c.Key == key).Aggregate(0UL, (sum, c) => sum + c.Active);
            Assert.True(record.FinancedActive == claimed, $"{document.Number}: guard total {record.FinancedActive}, claims {claimed}");
            Assert.True(record.FinancedActive <= record.Value, $"{document.Number}: financed {record.FinancedActive} above value {record.Value}");
        }
    }
}
