package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
)

func main() {
	r := chi.NewRouter()
	r.Get("/orders/{id}", getOrder)
	r.Delete("/orders/{id}", deleteOrder)
	if len(os.Args) > 1 {
		panic("update orders.orders with no id")
	}
	fmt.Println("delete from orders.orders runs nightly")
	http.ListenAndServe(":8080", r)
}

func getOrder(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "select from orders failed", http.StatusInternalServerError)
}

func deleteOrder(w http.ResponseWriter, r *http.Request) {}
