using Huilian.Core.Genesis;

namespace Huilian.Execution.Host;

/// <summary>
/// A business module compiled into the node: it registers its actions and may write initial state at genesis.
/// Modules are deterministic: they read state, block time and the transaction through their context only.
/// </summary>
public interface IModule
{
    /// <summary>The module name in transactions and the prefix of its state keys, e.g. "evidence".</summary>
    string Name { get; }

    void Register(ActionRegistry registry);

    void InitGenesis(GenesisDocument genesis, GenesisWriter writer);

    /// <summary>Runs at the start of every block, before its transactions (e.g. applies decisions due at this height).</summary>
    void BeginBlock(BlockHookContext context)
    {
    }
}

/// <summary>What a module's begin-block step may see and change: the block and its state.</summary>
public sealed class BlockHookContext
{
    private readonly StateOverlay _state;

    internal BlockHookContext(Core.Crypto.ICryptoSuite suite, BlockContext block, StateOverlay state)
    {
        Suite = suite;
        Block = block;
        _state = state;
    }

    public Core.Crypto.ICryptoSuite Suite { get; }

    public BlockContext Block { get; }

    public Core.State.IStateReader State => _state;

    public byte[]? Get(byte[] key) => _state.Get(key);

    public void Set(byte[] key, byte[] value) => _state.Set(key, value);
}

/// <summary>One action: how to read its payload, who may run it, and what it does.</summary>
public sealed class ActionDefinition
{
    internal ActionDefinition(string module, string action, string description,
        Func<PayloadReader, object> parse, Func<ActionContext, object, ActionOutcome> execute)
    {
        Module = module;
        Action = action;
        Description = description;
        Parse = parse;
        Execute = execute;
    }

    public string Module { get; }

    public string Action { get; }

    public string Description { get; }

    internal Func<PayloadReader, object> Parse { get; }

    internal Func<ActionContext, object, ActionOutcome> Execute { get; }

    /// <summary>"module.action": also the resource the role catalogue grants.</summary>
    public string FullName => Module + "." + Action;
}

/// <summary>What an action returns: a code ("Ok" or a refusal), a sentence, and its JSON result.</summary>
public readonly record struct ActionOutcome(string Code, string Message, byte[] Result)
{
    public static ActionOutcome Ok(byte[] result, string message = "") => new(ResultCodes.Ok, message, result);

    /// <summary>Not an error and not a change: e.g. recording evidence that is already recorded.</summary>
    public static ActionOutcome Unchanged(string code, string message, byte[] result) => new(code, message, result);

    public bool Succeeded => Code == ResultCodes.Ok;
}

/// <summary>The actions of every module, looked up by module and action name.</summary>
public sealed class ActionRegistry
{
    private readonly SortedDictionary<string, ActionDefinition> _actions = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _modules = new(StringComparer.Ordinal);
    private string? _currentModule;

    public IEnumerable<ActionDefinition> Actions => _actions.Values;

    public bool HasModule(string module) => _modules.Contains(module);

    public ActionDefinition? Find(string module, string action) =>
        _actions.TryGetValue(module + "." + action, out var definition) ? definition : null;

    /// <summary>Registers an action of the module being registered.</summary>
    public void Add<TRequest>(string action, string description,
        Func<PayloadReader, TRequest> parse, Func<ActionContext, TRequest, ActionOutcome> execute)
        where TRequest : notnull
    {
        var module = _currentModule ?? throw new InvalidOperationException("Actions are added from IModule.Register.");
        if (!Core.Identifier.IsValid(action))
        {
            throw new ArgumentException($"Action name '{action}' is not a valid identifier.");
        }
        var definition = new ActionDefinition(module, action, description,
            reader => parse(reader), (context, request) => execute(context, (TRequest)request));
        if (!_actions.TryAdd(definition.FullName, definition))
        {
            throw new ArgumentException($"Action {definition.FullName} is registered twice.");
        }
    }

    internal void BeginModule(string module)
    {
        if (!Core.Identifier.IsValid(module) || !_modules.Add(module))
        {
            throw new ArgumentException($"Module name '{module}' is invalid or registered twice.");
        }
        _currentModule = module;
    }

    internal void EndModule() => _currentModule = null;
}
