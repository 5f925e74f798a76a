using Registry.Server.Data;
using Registry.Server.Hosting;

var app = RegistryApplication.Build(args);
await app.InitializeRegistryAsync();
await app.RunAsync();

public partial class Program;
