/**
 * Signing in and out of the desk: a wrong token is refused, an unsigned visit is sent to sign in
 * and back, and after signing out the desk's pages send the editor to sign in again.
 */
import { describe, expect, it } from "vitest";
import { button, expectAlert, expectHeading, expectStatus, field, submit } from "./support/desk";
import { useDesk } from "./support/desk-fixture";
import { EDITORS } from "./support/worker";

const desk = useDesk();

describe("signing in", () => {
  it("refuses a wrong token with 401 and says so", async () => {
    const page = await desk.newPage();
    await page.goto(`${desk.base}/desk/sign-in`);
    await expectHeading(page, "Sign in");
    expect(await field(page, "Editor token").getAttribute("type")).toBe("password");
    await field(page, "Editor token").fill("not-a-token");
    const response = await submit(page, button(page, "Sign in"));
    expect(response.status()).toBe(401);
    await expectAlert(page, "That token is not valid.");
    await expectHeading(page, "Sign in");
    expect(new URL(page.url()).pathname).toBe("/desk/sign-in");
  });

  it("sends an unsigned visit to sign in, then back to the page it asked for", async () => {
    const page = await desk.newPage();
    await page.goto(`${desk.base}/desk/new`);
    expect(new URL(page.url()).pathname).toBe("/desk/sign-in");
    await field(page, "Editor token").fill(EDITORS.ana);
    await submit(page, button(page, "Sign in"));
    expect(new URL(page.url()).pathname).toBe("/desk/new");
    await expectHeading(page, "New article");
  });
});

describe("signing out", () => {
  it("ends the session: desk pages redirect to sign-in afterwards", async () => {
    const page = await desk.signedInPage();
    await page.goto(`${desk.base}/desk/new`);
    await expectHeading(page, "New article");

    await submit(page, page.getByRole("button", { name: "Sign out", exact: true }));
    expect(new URL(page.url()).pathname).toBe("/desk/sign-in");
    await expectStatus(page, "Signed out.");

    for (const path of ["/desk", "/desk/new", "/desk?status=trash"]) {
      await page.goto(`${desk.base}${path}`);
      expect(new URL(page.url()).pathname, path).toBe("/desk/sign-in");
      await expectHeading(page, "Sign in");
    }
    // The redirect itself, not only where it lands: 303 from the desk page to sign-in.
    const [redirect] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === "/desk" && r.request().isNavigationRequest()),
      page.goto(`${desk.base}/desk`),
    ]);
    expect(redirect.status()).toBe(303);
    expect(new URL((await redirect.headerValue("Location")) ?? "", desk.base).pathname).toBe("/desk/sign-in");
  });
});
