using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace Huilian.LoadGenerator.Baseline;

/// <summary>
/// The central-database baseline of issue 7: "one database run by the regulator". The same export receivables
/// financing lifecycle as the <c>receivables</c> workload, with the same business rules written directly against
/// PostgreSQL — every step checks the user's role and the financing's state, the customs declaration is published
/// and verified by its key and field commitments, and the guard refuses any claim that would push a document's
/// active claims above its value, under a row lock — and the same clients, warm-up and duration. What a central
/// database does not do is what a consortium chain is for: no signatures are verified, nothing is replicated, and
/// everyone must trust the operator. Each step is one transaction, committed durably (synchronous_commit on).
/// </summary>
public sealed class PostgresReceivables(string connectionString)
{
    /// <summary>Steps of one lifecycle: publish, verify, apply, accept, review, disburse, repay.</summary>
    public const int StepsPerLifecycle = 7;

    private const string Schema = """
        DROP SCHEMA IF EXISTS receivables CASCADE;
        CREATE SCHEMA receivables;
        SET search_path = receivables;
        CREATE TABLE app_user (id text PRIMARY KEY, organisation text NOT NULL, kind text NOT NULL, roles text[] NOT NULL, suspended boolean NOT NULL DEFAULT false);
        CREATE TABLE enablement (bank text NOT NULL, enterprise text NOT NULL, PRIMARY KEY (bank, enterprise));
        CREATE TABLE document (
            key bytea PRIMARY KEY, type text NOT NULL, publisher text NOT NULL, value bigint NOT NULL CHECK (value > 0),
            currency text NOT NULL, commitments bytea[] NOT NULL, financed_active bigint NOT NULL DEFAULT 0,
            CHECK (financed_active BETWEEN 0 AND value));
        CREATE TABLE verification (id bigserial PRIMARY KEY, bank text NOT NULL, clerk text NOT NULL, document bytea NOT NULL, outcome text NOT NULL, at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE financing (
            id bigserial PRIMARY KEY, bank text NOT NULL, enterprise text NOT NULL, state text NOT NULL, currency text NOT NULL,
            requested bigint NOT NULL, outstanding bigint NOT NULL DEFAULT 0, rate_bp int, term_days int, reason text);
        CREATE TABLE application_document (financing bigint NOT NULL REFERENCES financing, document bytea NOT NULL REFERENCES document, amount bigint NOT NULL, PRIMARY KEY (financing, document));
        CREATE TABLE claim (financing bigint NOT NULL REFERENCES financing, document bytea NOT NULL REFERENCES document, amount bigint NOT NULL, PRIMARY KEY (financing, document));
        CREATE TABLE step_log (id bigserial PRIMARY KEY, financing bigint, action text NOT NULL, actor text NOT NULL, at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE alert (id bigserial PRIMARY KEY, bank text NOT NULL, document bytea NOT NULL, asked bigint NOT NULL, financed bigint NOT NULL, value bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
        """;

    public string ServerVersion { get; private set; } = "";

    /// <summary>Creates the schema and, for each client, a customs publisher, a bank with one clerk per step, and an enabled enterprise.</summary>
    public async Task Prepare(int clients, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        ServerVersion = connection.PostgreSqlVersion.ToString();
        await using (var command = new NpgsqlCommand(Schema, connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO receivables.app_user VALUES ('customs/publisher', 'customs', 'customs', '{customs-publisher}')"));
        for (var i = 0; i < clients; i++)
        {
            var bank = $"bank-{i % 3}";
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"INSERT INTO receivables.app_user VALUES ('{bank}/clerk{i}', '{bank}', 'bank', '{{financing-application-clerk,financing-acceptance-clerk,financing-review-clerk,disbursement-clerk,repayment-clerk}}') ON CONFLICT DO NOTHING"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO receivables.enablement VALUES ('{bank}', 'exporter-{i}') ON CONFLICT DO NOTHING"));
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One client's lifecycle loop: runs until cancelled, reporting each committed step's latency.</summary>
    public async Task RunClient(int client, Action<double> committed, Action<string> refused, CancellationToken cancellationToken)
    {
        var bank = $"bank-{client % 3}";
        var clerk = $"{bank}/clerk{client}";
        var enterprise = $"exporter-{client}";
        var sequence = 0;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            sequence++;
            var secret = RandomNumberGenerator.GetBytes(16);
            var key = SHA256.HashData([.. "huilian/registry/key/v1"u8, .. BitConverter.GetBytes(client), .. BitConverter.GetBytes(sequence), .. secret]);
            var commitments = Enumerable.Range(0, 4).Select(f => SHA256.HashData([.. key, (byte)f])[..16]).ToArray();
            const long value = 10_000_000;    // US$100,000.00 in cents
            const long financed = 8_000_000;  // 80%
            try
            {
                await Step(connection, committed, refused, cancellationToken, c => Publish(c, key, commitments, value));
                await Step(connection, committed, refused, cancellationToken, c => Verify(c, bank, clerk, key, commitments, value));
                var financing = await Step(connection, committed, refused, cancellationToken, c => Apply(c, bank, clerk, enterprise, key, commitments, financed));
                if (financing is null)
                {
                    continue;
                }
                await Step(connection, committed, refused, cancellationToken, c => Advance(c, financing.Value, bank, clerk, "applied", "accepted", "financing-acceptance-clerk", "accept"));
                await Step(connection, committed, refused, cancellationToken, c => Advance(c, financing.Value, bank, clerk, "accepted", "approved", "financing-review-clerk", "review"));
                await Step(connection, committed, refused, cancellationToken, c => Disburse(c, financing.Value, bank, clerk, financed));
                await Step(connection, committed, refused, cancellationToken, c => Repay(c, financing.Value, bank, clerk, financed));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs one step in its own transaction; commits it, or rolls back and counts the refusal. Returns the step's result.</summary>
    internal static async Task<long?> Step(NpgsqlConnection connection, Action<double> committed, Action<string> refused, CancellationToken cancellationToken,
        Func<NpgsqlConnection, Task<long>> step)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, CancellationToken.None);
        try
        {
            var result = await step(connection);
            await transaction.CommitAsync(CancellationToken.None);
            committed(watch.Elapsed.TotalMilliseconds);
            return result;
        }
        catch (StepRefusedException refusal)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            refused(refusal.Code);
            return null;
        }
    }

    private sealed class StepRefusedException(string code) : Exception(code)
    {
        public string Code { get; } = code;
    }

    private static async Task RequireRole(NpgsqlConnection connection, string user, string role)
    {
        await using var command = new NpgsqlCommand("SELECT NOT suspended AND $2 = ANY(roles) FROM receivables.app_user WHERE id = $1", connection)
        {
            Parameters = { new() { Value = user }, new() { Value = role } },
        };
        if (await command.ExecuteScalarAsync() is not true)
        {
            throw new StepRefusedException("SignerLacksRole");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task Log(NpgsqlConnection connection, long? financing, string action, string actor)
    {
        await using var command = new NpgsqlCommand("INSERT INTO receivables.step_log(financing, action, actor) VALUES ($1, $2, $3)", connection)
        {
            Parameters = { new() { Value = (object?)financing ?? DBNull.Value }, new() { Value = action }, new() { Value = actor } },
        };
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<long> Publish(NpgsqlConnection connection, byte[] key, byte[][] commitments, long value)
    {
        await RequireRole(connection, "customs/publisher", "customs-publisher");
        await using var command = new NpgsqlCommand(
            "INSERT INTO receivables.document(key, type, publisher, value, currency, commitments) VALUES ($1, 'customs-declaration', 'customs', $2, 'USD', $3) ON CONFLICT DO NOTHING", connection)
        {
            Parameters = { new() { Value = key }, new() { Value = value }, new() { Value = commitments } },
        };
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new StepRefusedException("DocumentAlreadyPublished");
        }
        await Log(connection, null, "publish", "customs/publisher");
        return 0;
    }

    internal static async Task<long> Verify(NpgsqlConnection connection, string bank, string clerk, byte[] key, byte[][] commitments, long value)
    {
        await RequireRole(connection, clerk, "financing-application-clerk");
        string outcome;
        await using (var command = new NpgsqlCommand("SELECT value, currency, commitments, financed_active FROM receivables.document WHERE key = $1", connection)
        {
            Parameters = { new() { Value = key } },
        })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                outcome = "NotFound";
            }
            else
            {
                var stored = reader.GetFieldValue<byte[][]>(2);
                outcome = reader.GetString(1) != "USD" ? "CurrencyMismatch"
                    : reader.GetInt64(0) != value ? "ValueMismatch"
                    : !stored.Zip(commitments).All(p => p.First.AsSpan().SequenceEqual(p.Second)) ? "FieldMismatch"
                    : reader.GetInt64(3) >= reader.GetInt64(0) ? "AlreadyFinancedInFull"
                    : "Match";
            }
        }
        await using var insert = new NpgsqlCommand("INSERT INTO receivables.verification(bank, clerk, document, outcome) VALUES ($1, $2, $3, $4)", connection)
        {
            Parameters = { new() { Value = bank }, new() { Value = clerk }, new() { Value = key }, new() { Value = outcome } },
        };
        await insert.ExecuteNonQueryAsync();
        return 0;
    }

    internal static async Task<long> Apply(NpgsqlConnection connection, string bank, string clerk, string enterprise, byte[] key, byte[][] commitments, long amount)
    {
        await RequireRole(connection, clerk, "financing-application-clerk");
        await using (var enabled = new NpgsqlCommand("SELECT 1 FROM receivables.enablement WHERE bank = $1 AND enterprise = $2", connection)
        {
            Parameters = { new() { Value = bank }, new() { Value = enterprise } },
        })
        {
            if (await enabled.ExecuteScalarAsync() is null)
            {
                throw new StepRefusedException("EnterpriseNotEnabled");
            }
        }
        // The documents must match and have room (an early check; the claim is decided at disbursement).
        await using (var document = new NpgsqlCommand("SELECT value, financed_active, commitments FROM receivables.document WHERE key = $1", connection)
        {
            Parameters = { new() { Value = key } },
        })
        await using (var reader = await document.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                throw new StepRefusedException("DocumentNotFound");
            }
            if (!reader.GetFieldValue<byte[][]>(2)[0].AsSpan().SequenceEqual(commitments[0]))
            {
                throw new StepRefusedException("DocumentFieldMismatch");
            }
            if (reader.GetInt64(1) + amount > reader.GetInt64(0))
            {
                throw new StepRefusedException("AmountExceedsUnfinancedBalance");
            }
        }
        long id;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO receivables.financing(bank, enterprise, state, currency, requested) VALUES ($1, $2, 'applied', 'USD', $3) RETURNING id", connection)
        {
            Parameters = { new() { Value = bank }, new() { Value = enterprise }, new() { Value = amount } },
        })
        {
            id = (long)(await insert.ExecuteScalarAsync())!;
        }
        await using (var link = new NpgsqlCommand("INSERT INTO receivables.application_document VALUES ($1, $2, $3)", connection)
        {
            Parameters = { new() { Value = id }, new() { Value = key }, new() { Value = amount } },
        })
        {
            await link.ExecuteNonQueryAsync();
        }
        await Log(connection, id, "apply", clerk);
        return id;
    }

    /// <summary>Locks the financing, checks its bank and state, and moves it on.</summary>
    internal static async Task<long> Advance(NpgsqlConnection connection, long financing, string bank, string clerk, string from, string to, string role, string action)
    {
        await RequireRole(connection, clerk, role);
        await LockInState(connection, financing, bank, from);
        await using var update = new NpgsqlCommand("UPDATE receivables.financing SET state = $2 WHERE id = $1", connection)
        {
            Parameters = { new() { Value = financing }, new() { Value = to } },
        };
        await update.ExecuteNonQueryAsync();
        await Log(connection, financing, action, clerk);
        return financing;
    }

    private static async Task LockInState(NpgsqlConnection connection, long financing, string bank, string state)
    {
        await using var select = new NpgsqlCommand("SELECT bank, state FROM receivables.financing WHERE id = $1 FOR UPDATE", connection)
        {
            Parameters = { new() { Value = financing } },
        };
        await using var reader = await select.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new StepRefusedException("FinancingNotFound");
        }
        if (reader.GetString(0) != bank)
        {
            throw new StepRefusedException("FinancingOfAnotherBank");
        }
        if (reader.GetString(1) != state)
        {
            throw new StepRefusedException("TransitionNotAllowed");
        }
    }

    /// <summary>The guard: under the document's row lock, the active claims may not exceed its value; the claims become active.</summary>
    internal static async Task<long> Disburse(NpgsqlConnection connection, long financing, string bank, string clerk, long amount)
    {
        await RequireRole(connection, clerk, "disbursement-clerk");
        await LockInState(connection, financing, bank, "approved");
        var documents = new List<(byte[] Key, long Amount)>();
        await using (var select = new NpgsqlCommand("SELECT document, amount FROM receivables.application_document WHERE financing = $1 ORDER BY document", connection)
        {
            Parameters = { new() { Value = financing } },
        })
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                documents.Add(((byte[])reader.GetValue(0), reader.GetInt64(1)));
            }
        }
        foreach (var (key, claim) in documents)
        {
            long value, active;
            await using (var lockDocument = new NpgsqlCommand("SELECT value, financed_active FROM receivables.document WHERE key = $1 FOR UPDATE", connection)
            {
                Parameters = { new() { Value = key } },
            })
            await using (var reader = await lockDocument.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                (value, active) = (reader.GetInt64(0), reader.GetInt64(1));
            }
            if (active + claim > value)
            {
                throw new StepRefusedException(active >= value ? "DocumentAlreadyFinancedInFull" : "AmountExceedsUnfinancedBalance");
            }
            await Execute(connection, "UPDATE receivables.document SET financed_active = financed_active + $2 WHERE key = $1", key, claim);
            await Execute(connection, "INSERT INTO receivables.claim VALUES ($1, $2, $3)", financing, key, claim);
        }
        await using (var update = new NpgsqlCommand("UPDATE receivables.financing SET state = 'disbursed', outstanding = $2, rate_bp = 450, term_days = 90 WHERE id = $1", connection)
        {
            Parameters = { new() { Value = financing }, new() { Value = amount } },
        })
        {
            await update.ExecuteNonQueryAsync();
        }
        await Log(connection, financing, "disburse", clerk);
        return financing;
    }

    /// <summary>Full repayment: the outstanding principal goes to zero and every claim is released.</summary>
    internal static async Task<long> Repay(NpgsqlConnection connection, long financing, string bank, string clerk, long amount)
    {
        await RequireRole(connection, clerk, "repayment-clerk");
        await LockInState(connection, financing, bank, "disbursed");
        await Execute(connection, """
            UPDATE receivables.document d SET financed_active = d.financed_active - c.amount
              FROM receivables.claim c WHERE c.financing = $1 AND c.document = d.key
            """, financing);
        await Execute(connection, "DELETE FROM receivables.claim WHERE financing = $1", financing);
        await Execute(connection, "UPDATE receivables.financing SET state = 'repaid', outstanding = outstanding - $2 WHERE id = $1", financing, amount);
        await Log(connection, financing, "repay", clerk);
        return financing;
    }
}
