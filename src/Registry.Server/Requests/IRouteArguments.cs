namespace Registry.Server.Requests;

/// <summary>
/// Arguments a handler takes from the request, parsed by their binder (a static <c>BindAsync</c>) without throwing.
/// What is wrong with them is raised by <see cref="Validate"/>, which the route filter calls at GitLab's point:
/// after authentication and before the project is looked up (Grape runs <c>before</c> callbacks, then parameter
/// validation, then the route), so an anonymous upload to a bad URL is 401, not 400.
/// </summary>
public interface IRouteArguments
{
    /// <summary>Throws the <see cref="RegistryError"/> that parsing found, if any.</summary>
    void Validate();
}
