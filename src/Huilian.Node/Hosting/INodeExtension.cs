namespace Huilian.Node.Hosting;

/// <summary>
/// A part served by the node's web host beside the API — the portal. It adds its services before the host is built and
/// maps its endpoints after the API's, so that the API's routes and error handling stay first.
/// </summary>
public interface INodeExtension
{
    void AddServices(WebApplicationBuilder builder, NodeRuntime runtime);

    void Map(WebApplication app, NodeRuntime runtime);
}
