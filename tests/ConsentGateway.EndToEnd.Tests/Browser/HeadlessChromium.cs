using Microsoft.Playwright;

namespace ConsentGateway.EndToEnd.Tests.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, which test.sh installs) driven by Playwright, which
/// never downloads a browser; headless, with every background service of the browser off so that
/// the only requests are the page's. Shared by the tests of one class.
/// </summary>
public sealed class HeadlessChromium : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Playwright's assertions wait 5 s by default; a loaded CI machine can take longer to answer.</summary>
    public const float AnswerTimeoutMs = 30_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the tests write their screenshots: <c>screenshots/</c> in the test output.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser starts with the fixture.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(AnswerTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = File.Exists(ChromiumPath) ? ChromiumPath : throw new InvalidOperationException($"{ChromiumPath} is missing: ./test.sh installs Debian's chromium."),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A page of its own context (no cookies, storage or cache shared with another test).</summary>
    public async Task<IPage> NewPageAsync(int width = 1400, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        context.SetDefaultTimeout(AnswerTimeoutMs);
        return await context.NewPageAsync();
    }

    /// <summary>Writes a full-page screenshot to <see cref="Screenshots"/>/<paramref name="folder"/>/<paramref name="name"/>.png.</summary>
    public static async Task ScreenshotAsync(IPage page, string folder, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var directory = Path.Combine(Screenshots, folder);
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }
}
