using Registry.Server.Data;
using Registry.Server.Hosting;
using Registry.Server.Operations;

if (OperationsCommands.IsCommand(args)) return await OperationsCommands.RunAsync(args, Console.Out);

var app = RegistryApplication.Build(args);
await app.InitializeRegistryAsync();
await app.RunAsync();
return 0;

public partial class Program;
